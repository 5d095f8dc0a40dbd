import Foundation
import GRDB
import RaceService
import StoreTestSupport
import SyncCore
import TestSupport
import Testing

@testable import SyncStore

/// Schema v14 moves the hub's change log into its rows. `fixtures/stores/hub-v13.sqlite` was
/// written by the release before it (every kind of change, removals and the poll included),
/// with `hub-v13-pull.json`, that store's whole pull; the migrated store must serve the same
/// changes at the same positions, from any cursor.
@Suite struct RowLogMigrationTests {
    static func migratedCopy(_ dir: TempDir) throws -> HubStore {
        let file = dir.file("hub.sqlite")
        try FileManager.default.copyItem(
            atPath: RecordedPull.fixtures.appendingPathComponent("hub-v13.sqlite").path, toPath: file)
        return try HubStore(path: file, beginEpoch: true)
    }

    @Test func aMigratedStoreServesTheSameChangesFromEveryCursor() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let recorded = try RecordedPull("hub-v13-pull.json")
        #expect(recorded.changes.map(\.kind).contains("poll") && (try? recorded.removedParticipant()) != nil)
        let store = try Self.migratedCopy(dir)
        defer { try? store.close() }
        #expect(try await recorded.cursorsServedDifferently(by: store.hub) == [])
    }

    @Test func theOldLogIsGoneAndItsRemovalsAreEvents() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try Self.migratedCopy(dir)
        defer { try? store.close() }
        #expect(store.upgrade?.hasPrefix("upgraded to schema \(RowLogMigration.name) in ") == true)
        try store.pool.read { db in
            #expect(try !db.tableExists("change_log"))
            let events = try String.fetchAll(db, sql: "SELECT kind FROM log_events ORDER BY seq")
            #expect(events == ["participant", "live", "poll"])
            #expect(try RowLog.lastSeq(db) == 35)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM casters WHERE seq IS NULL") == 0)
        }
    }

    @Test func writesAfterTheMigrationContinueTheLogAndReplaceEvents() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let recorded = try RecordedPull("hub-v13-pull.json")
        let store = try Self.migratedCopy(dir)
        defer { try? store.close() }
        // The participant removed before the migration is added back: its event goes, its row
        // takes the position after the old head.
        let (key, after, entries) = try await recorded.addBackRemovedParticipant(on: store.hub)
        #expect(after.map(\.key) == [key])
        #expect(after.first?.seq == recorded.head.seq + 1 && after.first?.data.contains("removed") == false)
        #expect(entries == 1)
    }
}
