import Foundation
import PostgresNIO
import RaceService
import SyncCore
import Testing

@testable import SyncPostgres

/// PostgreSQL's log kept in its rows (`PostgresRowLog`, `LogAppends`): what the use cases cannot
/// reach — a key changed twice in one transaction, a change whose row is missing, a page
/// ending at a head whose entry is gone.
@Suite struct PostgresRowLogTests {
    static func open() async throws -> PostgresHubStore? {
        guard let url = try await TestPostgres.freshDatabase() else { return nil }
        return try await PostgresHubStore.open(
            url, maxConnections: 2, timeout: TestPostgres.timeout, logger: TestPostgres.logger)
    }

    /// Runs SQL and log appends in one write transaction.
    static func write(_ store: PostgresHubStore, sql: [PostgresQuery] = [], appending changes: [ChangeData])
        async throws
    {
        try await store.transaction { tx in
            let connection = (tx as! PostgresHubTransaction).connection
            for statement in sql { try await connection.query(statement, logger: TestPostgres.logger) }
            try await tx.appendLog(changes, atMs: 0)
        }
    }

    @Test func aKeyChangedTwiceInOneWriteKeepsTheLaterPosition() async throws {
        guard let store = try await Self.open() else { return }
        defer { store.close() }
        let user = UUID()
        let stream = LiveStream(streamID: "s", title: "t", startedAt: Date(), observedAt: Date())
        try await Self.write(
            store,
            sql: [
                "INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at) VALUES (\(user), 's', 't', 0, 0)"
            ],
            appending: [
                .live(LiveState(userID: user, stream: stream)), .poll(PollState(at: Date())),
                .live(LiveState(userID: user, stream: stream)),
            ])
        let entries = try await store.pull(since: nil, limit: 100).entries
        #expect(entries.map(\.key) == ["poll", "live:\(user.lowercased)"])
        #expect(entries.map(\.seq) == [2, 3])
    }

    @Test func aChangeWhoseRowIsMissingIsKeptAsAnEvent() async throws {
        guard let store = try await Self.open() else { return }
        defer { store.close() }
        let register = CasterRegister(
            present: true, hlc: HLC(wallMs: 1, counter: 0, node: "n"), opID: UUID(), changedBy: nil)
        let change = ChangeData.caster(CasterState(raceID: UUID(), userID: UUID(), register: register))
        try await Self.write(
            store, appending: [change, .user(User(id: UUID(), twitchUsername: "gone", twitchDisplayName: nil))])
        let entries = try await store.pull(since: nil, limit: 100).entries
        #expect(entries.map(\.seq) == [1, 2])
        #expect(entries.first?.key == change.key)
        #expect(entries.first?.payload == String(decoding: try change.payload(), as: UTF8.self))
    }

    @Test func aRegisterWrittenAgainIsListedOnceAtItsNewPosition() async throws {
        guard let store = try await Self.open() else { return }
        defer { store.close() }
        let (organizer, _) = try await store.hub.addUser(login: "org", displayName: nil)
        let (alice, _) = try await store.hub.addUser(login: "alice", displayName: nil)
        let race = try await store.hub.createRace(name: "Any%", organizer: organizer.id).id
        _ = try await store.hub.castJoin(race: race, caller: alice.id)
        _ = try await store.hub.castLeave(race: race, caller: alice.id)
        _ = try await store.hub.castJoin(race: race, caller: alice.id)
        let (listed, stored) = try await store.read { connection in
            (
                try await connection.all(
                    "SELECT seq FROM caster_positions", as: Int64.self, logger: TestPostgres.logger),
                try await connection.all("SELECT seq FROM casters", as: Int64.self, logger: TestPostgres.logger)
            )
        }
        #expect(listed == stored && listed.count == 1)
        let entries = try await store.pull(since: nil, limit: 100).entries.filter { $0.kind == "caster" }
        #expect(entries.map(\.seq) == listed)
    }

    @Test func aShortPageEndsAtTheHeadSoPagingNeverStalls() async throws {
        guard let store = try await Self.open() else { return }
        defer { store.close() }
        try await Self.write(store, appending: [.poll(PollState(at: Date()))])
        // The head's entry gone (never through the use cases): the cursor still reaches the head.
        try await Self.write(store, sql: ["DELETE FROM log_events"], appending: [])
        let page = try await store.pull(since: nil, limit: 10)
        #expect(page.entries.isEmpty && page.cursor.seq == 1 && !page.hasMore)
    }
}
