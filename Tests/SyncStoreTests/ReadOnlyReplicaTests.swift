import Foundation
import GRDB
import RaceService
import StoreTestSupport
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// racecli's read commands open the replica read-only (`ReplicaStore.reading`): one connection,
/// nothing written; a file that needs writing first is recovered or migrated as before.
@Suite struct ReadOnlyReplicaTests {
    @Test func aReadOnlyReplicaReadsTheViewAndWritesNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("replica.sqlite")
        let store = try ReplicaStore(path: path)
        let nodeID = store.nodeID
        try store.markSynced()
        try store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let walBefore = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))

        let reader = try ReplicaStore.reading(path: path)
        #expect(reader.pool is DatabaseQueue && reader.readOnly)
        #expect(reader.nodeID == nodeID)
        #expect(try reader.lastSyncAt() != nil)
        #expect(try reader.summaries().isEmpty)
        // A write through it is refused by SQLite itself, and the file stays as it was.
        #expect(throws: (any Error).self) { try reader.markSynced() }
        try reader.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) == walBefore)
    }

    @Test func theStreamedListingIsTheListing() async throws {
        let hub = try HubFixture()
        let organizer = try await hub.user("org")
        let alice = try await hub.user("alice")
        let races = try await hub.races(5, organizer: organizer.id)
        _ = try await hub.store.hub.transition(.start, race: races[1], caller: organizer.id)
        let dir = TempDir()
        defer { dir.cleanup() }
        let replica = try ReplicaStore(path: dir.file("replica.sqlite"))
        defer { try? replica.close() }
        let pulled = try await hub.store.hub.pull(since: nil, limit: 1000)
        try replica.login(
            ReplicaSession(hub: "http://hub", token: "t", user: alice),
            snapshot: [try PullPageDecoder.decode(pulled.json())])
        _ = try replica.enqueue(.join, race: races[3])
        for status in [nil, RaceStatus.setup, .running, .finished] {
            var streamed: [RaceSummary] = []
            try replica.forEachSummary(status: status) { streamed.append($0) }
            #expect(streamed == (try replica.summaries(status: status)))
        }
        var all: [RaceSummary] = []
        try replica.forEachSummary { all.append($0) }
        #expect(all.count == 5 && all.first { $0.id == races[3] }?.casterCount == 1)
    }

    @Test func aReplicaOfAnOlderSchemaIsMigratedFirst() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("replica.sqlite")
        try ReplicaStore(path: path).close()
        // Drop the newest migration's mark, as a file from the release before it looks: the
        // read-only open cannot migrate, so it hands over to the open that does.
        let migrator = Schema.migrator(for: .replica)
        let queue = try DatabaseQueue(path: path)
        let newest = try #require(migrator.migrations.last)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [newest])
        }
        try queue.close()
        #expect(try StoreOpener.openReadOnly(path: path, kind: .replica) == nil)
    }

    @Test func aMissingOrForeignFileIsRefusedAsBefore() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect {
            try ReplicaStore.reading(path: dir.file("none.sqlite"))
        } throws: { error in
            "\(error)".contains("no replica here yet")
        }
        let hubPath = dir.file("hub.sqlite")
        try HubStore(path: hubPath).close()
        let before = try Data(contentsOf: URL(fileURLWithPath: hubPath))
        #expect(throws: StoreOpenError.self) { try ReplicaStore.reading(path: hubPath) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: hubPath)) == before)
        // A replica of a newer version is refused, not handed to the open that would migrate.
        let newer = dir.file("newer.sqlite")
        try ReplicaStore(path: newer).close()
        let queue = try DatabaseQueue(path: newer)
        try queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        #expect {
            try ReplicaStore.reading(path: newer)
        } throws: { error in
            "\(error)".contains("newer RaceSync version")
        }
    }
}
