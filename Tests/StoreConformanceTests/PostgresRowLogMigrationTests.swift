import Foundation
import PostgresNIO
import RaceService
import StoreTestSupport
import SyncCore
import Testing

@testable import SyncPostgres

/// Migration v11 moves the PostgreSQL hub's change log into its rows. `fixtures/stores/
/// hub-pg-v10.sql` is a `pg_dump` of a store the release before it wrote (every kind of change,
/// a removal, a stream gone offline and the poll included), with `hub-pg-v10-pull.json`, that
/// store's whole pull; the migrated store must serve the same changes at the same positions,
/// from any cursor.
@Suite struct PostgresRowLogMigrationTests {
    /// A database loaded from the dump, opened (and so migrated) by this release.
    static func migrated() async throws -> PostgresHubStore? {
        let dump = RecordedPull.fixtures.appendingPathComponent("hub-pg-v10.sql").path
        guard let url = try await TestPostgres.freshDatabase(loading: dump) else { return nil }
        return try await PostgresHubStore.open(
            url, maxConnections: 2, timeout: TestPostgres.timeout, logger: TestPostgres.logger)
    }

    @Test func aMigratedStoreServesTheSameChangesFromEveryCursor() async throws {
        guard let store = try await Self.migrated() else { return }
        defer { store.close() }
        let recorded = try RecordedPull("hub-pg-v10-pull.json")
        #expect(store.storeID == recorded.head.storeID)
        #expect(Set(recorded.changes.map(\.kind)) == ["user", "race", "participant", "caster", "live", "poll"])
        #expect(recorded.changes.contains { $0.kind == "live" && $0.data.contains("\"stream\":null") })
        #expect(try await recorded.cursorsServedDifferently(by: store.hub) == [])
    }

    @Test func theOldLogIsGoneAndWhatHasNoRowIsAnEvent() async throws {
        guard let store = try await Self.migrated() else { return }
        defer { store.close() }
        let recorded = try RecordedPull("hub-pg-v10-pull.json")
        let (tables, events, head, unstamped) = try await store.read { connection in
            (
                try await connection.all(
                    "SELECT count(*) FROM pg_tables WHERE tablename = 'change_log'", as: Int64.self,
                    logger: TestPostgres.logger),
                try await connection.all(
                    "SELECT kind FROM log_events ORDER BY seq", as: String.self, logger: TestPostgres.logger),
                try await PostgresHubStore.head(connection, logger: TestPostgres.logger),
                try await connection.all(
                    """
                    SELECT (SELECT count(*) FROM casters WHERE seq IS NULL) + (SELECT count(*) FROM users WHERE seq IS NULL)
                        + (SELECT count(*) FROM casters c WHERE NOT EXISTS (SELECT 1 FROM caster_positions p WHERE p.seq = c.seq))
                    """, as: Int64.self, logger: TestPostgres.logger)
            )
        }
        #expect(tables == [0])
        #expect(events == ["participant", "live", "poll"])
        #expect(head == recorded.head.seq)
        #expect(unstamped == [0])
    }

    @Test func writesAfterTheMigrationContinueTheLogAndReplaceEvents() async throws {
        guard let store = try await Self.migrated() else { return }
        defer { store.close() }
        let recorded = try RecordedPull("hub-pg-v10-pull.json")
        // The participant removed before the migration is added back: its event goes, its row
        // takes the position after the old head.
        let (key, after, entries) = try await recorded.addBackRemovedParticipant(on: store.hub)
        #expect(after.map(\.key) == [key])
        #expect(after.first?.seq == recorded.head.seq + 1 && after.first?.data.contains("removed") == false)
        #expect(entries == 1)
    }
}
