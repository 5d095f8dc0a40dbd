import Foundation
import RaceService
import SyncCore
import SyncStore
import Testing

/// The same writes on both backends give the same answers, the same change log and the same
/// feed bytes: only the random ids (users, races, REST ops) and the store id differ.
@Suite struct BackendEquivalenceTests {
    /// Runs one story and writes down everything a client could see, ids replaced by names.
    func transcript(_ hub: TestHub, _ clock: TestClock) async throws -> String {
        let store = hub.storage
        var lines: [String] = []
        let ids = IDNames()
        func note(_ value: some Encodable) throws {
            lines.append(ids.replace(String(decoding: try WireJSON.encode(value), as: UTF8.self)))
        }
        let org = try await hub.user("org")
        let runner = try await hub.user("runner")
        let alice = try await hub.addUser("alice").user
        let bob = try await hub.user("bob")
        let race = try await store.createRace(name: "Any% & <more>", organizer: org.id).id
        for (id, name) in [
            (org.id, "ORG"), (runner.id, "RUNNER"), (alice.id, "ALICE"), (bob.id, "BOB"), (race, "RACE"),
        ] { ids.names[id.lowercased] = name }
        clock.advance(1000)
        try note(try await store.addParticipant(race: race, caller: org.id, login: "runner"))
        try note(try await store.castJoin(race: race, caller: alice.id))
        clock.advance(10)
        let base = clock.now
        let ops = [
            Op(
                opID: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!, kind: .join, raceID: race,
                userID: bob.id, hlc: HLC(wallMs: base, counter: 0, node: "bobs-laptop")),
            Op(
                opID: UUID(uuidString: "00000000-0000-4000-8000-000000000002")!, kind: .leave, raceID: race,
                userID: alice.id, hlc: HLC(wallMs: base - 5000, counter: 0, node: "n")),
            Op(
                opID: UUID(uuidString: "00000000-0000-4000-8000-000000000003")!, kind: .join, raceID: race,
                userID: runner.id, hlc: HLC(wallMs: base, counter: 1, node: "n")),
        ]
        try note(try await store.push(ops, caller: org.id).results)
        try note(try await store.push(ops, caller: bob.id).results)
        let at = Timestamp.date(milliseconds: clock.now)
        try await hub.live.recordPoll(
            seen: [
                alice.id: LiveStream(
                    streamID: "s1", title: "Casting <Any%>", startedAt: at.addingTimeInterval(-30), observedAt: at),
                runner.id: LiveStream(
                    streamID: "s2", title: "Running & talking", startedAt: at.addingTimeInterval(-90), observedAt: at),
            ], at: at)
        try await hub.live.recordPoll(
            seen: [
                alice.id: LiveStream(
                    streamID: "s1", title: "Casting <Any%>", startedAt: at.addingTimeInterval(-30), observedAt: at)
            ], at: at.addingTimeInterval(60))
        // Rows of one poll follow the users' ids, which differ between the runs: compare the
        // log as a set, and its length and head.
        let pulled = try await store.pull(since: nil, limit: 1000)
        lines.append("log: \(pulled.entries.count) rows, head \(pulled.cursor.seq)")
        lines += pulled.entries.map { ids.replace("\($0.kind) \($0.key) \($0.payload)") }.sorted()
        for scope in [FeedScope.all, .race(race)] {
            let feed = try await store.liveFeed(scope, baseURL: "https://races.example")!
            lines.append(ids.replace(String(decoding: FeedRenderer.atom(feed), as: UTF8.self)))
            lines.append(ids.replace(String(decoding: FeedRenderer.rss(feed), as: UTF8.self)))
        }
        try note(try await store.raceDetail(race))
        try note(try await store.raceSummaries(status: nil, before: nil, limit: 10).races)
        return lines.joined(separator: "\n").replacingOccurrences(of: store.storeID, with: "STORE")
    }

    @Test func bothBackendsAnswerLogAndRenderTheSame() async throws {
        let sqliteClock = TestClock()
        let postgresClock = TestClock()
        guard let postgres = try await TestHub.make(.postgres, clock: postgresClock) else { return }
        defer { postgres.close() }
        let sqlite = try #require(try await TestHub.make(.sqlite, clock: sqliteClock))
        defer { sqlite.close() }
        let expected = try await transcript(sqlite, sqliteClock)
        let actual = try await transcript(postgres, postgresClock)
        #expect(expected.contains("alice is live (caster) in Any%") && expected.contains("superseded"))
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(expectedLines.count == actualLines.count)
        for (index, (a, b)) in zip(expectedLines, actualLines).enumerated() where a != b {
            Issue.record("line \(index) differs:\nSQLite:     \(a)\nPostgreSQL: \(b)")
        }
    }
}

/// Names for ids: given ones, then `ID1`, `ID2`, ... in order of first appearance.
final class IDNames {
    var names: [String: String] = [:]
    private let pattern = try! NSRegularExpression(
        pattern: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

    func replace(_ text: String) -> String {
        var out = ""
        var last = text.startIndex
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let range = Range(match.range, in: text)!
            let id = text[range].lowercased()
            let name = names[id] ?? "ID\(names.count + 1)"
            names[id] = name
            out += text[last..<range.lowerBound] + name
            last = range.upperBound
        }
        return out + text[last...]
    }
}
