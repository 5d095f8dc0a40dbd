import Testing

@testable import SyncCore

@Suite struct TwitchLoginTests {
    @Test(arguments: ["a", "Alice_99", "x_______________________y", "ABC"])
    func acceptsValidLoginsAndLowercases(_ raw: String) throws {
        let login = try TwitchLogin(raw)
        #expect(login.value == raw.lowercased())
    }

    @Test func rejectsEmpty() {
        #expect(throws: TwitchLogin.Invalid.empty) { try TwitchLogin("") }
    }

    @Test func rejectsTooLong() {
        #expect(throws: TwitchLogin.Invalid.tooLong(count: 26)) { try TwitchLogin(String(repeating: "a", count: 26)) }
    }

    @Test(arguments: ["bad-name", "a b", "émile", "x!", "日本"])
    func rejectsBadCharacters(_ raw: String) {
        #expect(throws: TwitchLogin.Invalid.self) { try TwitchLogin(raw) }
    }

    @Test func errorMessagesNameTheProblem() {
        #expect("\(TwitchLogin.Invalid.badCharacter("-"))".contains("'-'"))
        #expect("\(TwitchLogin.Invalid.tooLong(count: 30))".contains("30"))
    }
}
