import Foundation
import GRDB
import RaceService
import SyncCore
import TestSupport
import Testing

@testable import SyncStore

/// Schema v14 moves the hub's change log into its rows. `fixtures/stores/hub-v13.sqlite` was
/// written by the release before it (every kind of change, removals and the poll included),
/// with `hub-v13-pull.json`, that store's whole pull; the migrated store must serve the same
/// changes at the same positions, from any cursor.
@Suite struct RowLogMigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/stores")

    /// A change as compared here: position, kind, key and the payload's JSON in a canonical form.
    struct Change: Equatable, CustomStringConvertible {
        var seq: Int64
        var kind: String
        var key: String
        var data: String
        var description: String { "\(seq) \(key) \(data)" }
    }

    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func recorded() throws -> (cursor: PullCursor, changes: [Change]) {
        let json = try Data(contentsOf: fixtures.appendingPathComponent("hub-v13-pull.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]])
        let changes = try entries.map { entry in
            let data = try #require(entry["data"])
            return Change(
                seq: try #require(entry["seq"] as? Int64), kind: try #require(entry["kind"] as? String),
                key: try #require(entry["key"] as? String), data: try canonical(data))
        }
        let cursor = try #require(object["cursor"] as? String)
        return (try #require(PullCursor(cursor)), changes)
    }

    /// Every change after `cursor`, pulled in pages of `page`.
    static func pullAll(_ store: HubStore, from cursor: PullCursor, page: Int) throws -> [Change] {
        var changes: [Change] = []
        var since = cursor
        while true {
            let batch = try store.pull(since: since, limit: page)
            #expect(!batch.reset)
            changes += try batch.entries.map {
                Change(
                    seq: $0.seq, kind: $0.kind, key: $0.key,
                    data: try canonical(try JSONSerialization.jsonObject(with: Data($0.payload.utf8))))
            }
            since = batch.cursor
            if !batch.hasMore { return changes }
        }
    }

    static func migratedCopy(_ dir: TempDir) throws -> HubStore {
        let file = dir.file("hub.sqlite")
        try FileManager.default.copyItem(
            atPath: fixtures.appendingPathComponent("hub-v13.sqlite").path, toPath: file)
        return try HubStore(path: file, beginEpoch: true)
    }

    @Test func aMigratedStoreServesTheSameChangesFromEveryCursor() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let (head, recorded) = try Self.recorded()
        #expect(recorded.map(\.kind).contains("poll") && recorded.contains { $0.data.contains("\"removed\":true") })
        let store = try Self.migratedCopy(dir)
        defer { try? store.close() }
        for position in 0...head.seq {
            let cursor = PullCursor(storeID: head.storeID, seq: position)
            let expected = recorded.filter { $0.seq > position }
            #expect(try Self.pullAll(store, from: cursor, page: 3) == expected, "from \(position)")
        }
        #expect(try Self.pullAll(store, from: PullCursor(storeID: head.storeID, seq: 0), page: 1000) == recorded)
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
        let (head, recorded) = try Self.recorded()
        let store = try Self.migratedCopy(dir)
        defer { try? store.close() }
        // The participant removed before the migration is added back: its event goes, its row
        // takes a new position after the old head.
        let removal = try #require(recorded.first { $0.data.contains("\"removed\":true") })
        let parts = removal.key.split(separator: ":")
        let race = try #require(UUID(uuidString: String(parts[1])))
        let user = try #require(UUID(uuidString: String(parts[2])))
        let (organizer, login) = try await store.pool.read { db in
            (
                try UUID.fetchOne(db, sql: "SELECT organizer_id FROM races WHERE id = ?", arguments: [race]),
                try String.fetchOne(db, sql: "SELECT login FROM users WHERE id = ?", arguments: [user])
            )
        }
        _ = try await store.hub.addParticipant(race: race, caller: try #require(organizer), login: try #require(login))
        let after = try Self.pullAll(store, from: head, page: 10)
        #expect(after.map(\.key) == [removal.key])
        #expect(after.first?.seq == head.seq + 1 && after.first?.data.contains("removed") == false)
        let everything = try Self.pullAll(store, from: PullCursor(storeID: head.storeID, seq: 0), page: 1000)
        #expect(everything.filter { $0.key == removal.key }.count == 1)
    }
}
