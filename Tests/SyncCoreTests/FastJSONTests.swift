import Foundation
import Testing

@testable import SyncCore

@Suite struct FastJSONTests {
    @Test func fastJSONEqualsTheCodableForm() throws {
        let names = [
            "Any% \"Glitchless\"", "tab\there\nnewline \\ backslash", "emoji 🏁 \u{01} control", "plain",
            "ünïcödé / slash",
        ]
        let summaries = names.enumerated().map { index, name in
            RaceSummary(
                id: UUID(), name: name, status: RaceStatus.allCases[index % 3],
                organizer: User(
                    id: UUID(), twitchUsername: "org\(index)",
                    twitchDisplayName: index % 2 == 0 ? nil : "Org \"\(index)\"",
                    twitchUserID: index % 3 == 0 ? nil : "\(index)",
                    avatarURL: index % 2 == 1 ? nil : "https://static-cdn.jtvnw.net/\(index).png"),
                participantCount: index, casterCount: index * 2,
                createdAt: Date(timeIntervalSince1970: 1_790_000_000.123 + Double(index)))
        }
        let fast = try JSONSerialization.jsonObject(with: Data(summaries.fastJSON.utf8)) as? NSArray
        let codable = try JSONSerialization.jsonObject(with: try WireJSON.encode(summaries)) as? NSArray
        #expect(fast != nil && fast == codable)
    }
}

@Suite struct FastCasterPayloadTests {
    @Test func casterPayloadEqualsTheCodableForm() throws {
        for node in ["node-1", "we\"ird\\node", "ünï"] {
            let state = CasterState(
                raceID: UUID(), userID: UUID(),
                register: CasterRegister(
                    present: Bool.random(), hlc: HLC(wallMs: 1_790_000_000_000, counter: 7, node: node), opID: UUID()))
            let fast = try JSONSerialization.jsonObject(with: Data(state.fastJSON.utf8)) as? NSDictionary
            let codable = try JSONSerialization.jsonObject(with: try WireJSON.encode(state)) as? NSDictionary
            #expect(fast != nil && fast == codable)
            #expect(try WireJSON.decode(CasterState.self, from: Data(state.fastJSON.utf8)) == state)
        }
    }
}
