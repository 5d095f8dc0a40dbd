import Foundation
import GRDB
import RaceService
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// A store killed in the middle of a WAL checkpoint: the main file's page 1 already counts the
/// pages the checkpoint is adding, the file has not grown yet, and the WAL beside it holds every
/// committed page. SQLite recovers that on open; RaceSync must open it with nothing lost.
@Suite struct CrashStateTests {
    /// Rows the test writes into `meta` (both kinds of store have it) and expects back.
    static func fillerRows(_ range: Range<Int>) -> [(String, String)] {
        range.map { ("filler-\($0)", String(repeating: "\($0 % 10)", count: 600)) }
    }

    /// Builds the mid-checkpoint crash state at `path` deterministically: writes `before`
    /// and folds it into the main file, writes `after` (committed, in the WAL only), keeps a
    /// copy of that WAL, lets a checkpoint run to learn the new page 1, and lays down the old
    /// main file with the new page 1 and the WAL as it was before the checkpoint.
    static func makeCrashState(path: String, pool: DatabasePool, close: () throws -> Void) throws {
        func insert(_ rows: [(String, String)]) throws {
            try pool.write { db in
                for (key, value) in rows {
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
                }
            }
        }
        try insert(fillerRows(0..<20))
        try pool.writeWithoutTransaction { db in _ = try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let mainBefore = try Data(contentsOf: URL(fileURLWithPath: path))
        for chunk in stride(from: 20, to: 200, by: 20) { try insert(fillerRows(chunk..<chunk + 20)) }
        let walAfter = try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        #expect(walAfter.count > 32)
        try pool.writeWithoutTransaction { db in _ = try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        let pageSize = 4096
        let pageOne = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(pageSize)
        try close()
        try (pageOne + mainBefore.dropFirst(pageSize)).write(to: URL(fileURLWithPath: path))
        try walAfter.write(to: URL(fileURLWithPath: path + "-wal"))
        try? FileManager.default.removeItem(atPath: path + "-shm")
        // The state the issue saw: the header counts more pages than the file holds.
        let header = [UInt8](pageOne.prefix(100))
        let pages = header[28..<32].reduce(0) { $0 << 8 | Int($1) }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber
        #expect(size.intValue < pages * pageSize, "main file \(size) bytes, header says \(pages) pages")
    }

    static func expectEveryRow(_ pool: any DatabaseReader) throws {
        let stored = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'filler-%'").map {
                ($0[0] as String, $0[1] as String)
            }
        }
        let expected = Dictionary(uniqueKeysWithValues: fillerRows(0..<200))
        #expect(stored.count == expected.count)
        for (key, value) in stored { #expect(expected[key] == value, "\(key)") }
        let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
    }

    @Test func aHubStoreKilledMidCheckpointOpensWithEveryWrite() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        let store = try HubStore(path: path)
        try Self.makeCrashState(path: path, pool: store.pool, close: store.close)
        #expect(throws: Never.self) { _ = try StoreFileCheck.inspect(path: path, kind: .hub) }
        let reopened = try HubStore(path: path)
        defer { try? reopened.close() }
        #expect(reopened.recovery?.contains("mid-checkpoint") == true)
        try Self.expectEveryRow(reopened.pool)
        // And it keeps working: a new user is written and read back.
        _ = try await reopened.hub.addUser(login: "after_crash", displayName: nil)
        #expect(try reopened.users().contains { $0.twitchUsername == "after_crash" })
    }

    @Test func aReplicaKilledMidCheckpointOpensWithEveryWrite() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("replica.sqlite")
        let store = try ReplicaStore(path: path)
        let nodeID = store.nodeID
        try Self.makeCrashState(path: path, pool: try #require(store.pool as? DatabasePool), close: store.close)
        // A read command's way first: a file caught mid-checkpoint is not read read-only but
        // recovered, as the write commands' way (checked only because the main file looks short)
        // and the node's (always) recover it.
        let read = try ReplicaStore.reading(path: path)
        #expect(read.nodeID == nodeID && read.pool is DatabasePool)
        try Self.expectEveryRow(read.pool)
        try read.close()
        for checkWholeFile in [false, true] {
            let reopened = try ReplicaStore(path: path, create: false, checkWholeFile: checkWholeFile)
            #expect(reopened.nodeID == nodeID)
            try Self.expectEveryRow(reopened.pool)
            try reopened.close()
        }
    }

    /// The pure header check never calls a short main file corrupt: it asks SQLite.
    @Test func aShortMainFileIsSQLitesToJudge() throws {
        var header = [UInt8](repeating: 0, count: 100)
        header[0..<16] = ArraySlice(Array("SQLite format 3\0".utf8))
        header[16] = 0x10  // 4096-byte pages
        header[31] = 50  // 50 pages
        header[27] = 7
        header[95] = 7  // change counter == version-valid-for: the count is valid
        for (index, byte) in withUnsafeBytes(of: StoreKind.hub.applicationID.bigEndian, Array.init).enumerated() {
            header[68 + index] = byte
        }
        #expect(try StoreFileCheck.verdict(header: header, fileSize: 4096 * 10, path: "x", kind: .hub) == .askSQLite)
        #expect(try StoreFileCheck.verdict(header: header, fileSize: 4096 * 50, path: "x", kind: .hub) == .open)
        header[31] = 0
        header[28] = 0xFF
        header[16] = 0
        header[17] = 1  // 65536-byte pages, a huge count: no overflow trap
        #expect(try StoreFileCheck.verdict(header: header, fileSize: 1, path: "x", kind: .hub) == .askSQLite)
    }
}
