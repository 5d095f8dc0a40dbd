import Foundation
import GRDB
import RaceService
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// Files that are not stores of the expected kind are refused and never modified.
@Suite struct StoreFileTests {
    func refuses(
        _ path: String, kind: StoreKind = .hub, integrity: StoreIntegrity.Policy = .whenSuspicious,
        mentioning words: [String]
    ) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let walBefore = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        do {
            _ = try StoreOpener.open(path: path, kind: kind, integrity: integrity)
            Issue.record("\(path) should have been refused")
        } catch {
            for word in words { #expect(error.description.contains(word), "\(error.description)") }
            #expect(error.description.contains(path))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) == walBefore)
    }

    @Test func refusesAFileOfZeros() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("zeros.sqlite")
        try Data(count: 8192).write(to: URL(fileURLWithPath: path))
        try refuses(path, mentioning: ["not an SQLite database"])
    }

    @Test func refusesText() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("notes.txt")
        try Data("hello, this is not a database\n".utf8).write(to: URL(fileURLWithPath: path))
        try refuses(path, kind: .replica, mentioning: ["not a RaceSync replica"])
    }

    @Test func refusesAForeignSQLiteDatabase() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("foreign.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')") }
        try queue.close()
        try refuses(path, mentioning: ["another application"])
    }

    @Test func refusesTheOtherKind() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        try HubStore(path: path).close()
        try refuses(path, kind: .replica, mentioning: ["is a RaceSync hub store, not a RaceSync replica"])
    }

    /// A store whose WAL was folded in and then cut in half has lost pages no WAL holds:
    /// SQLite finds it damaged, and it is refused, untouched, with the way to recover it.
    @Test func refusesATruncatedStore() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        let store = try HubStore(path: path)
        for i in 0..<200 {
            _ = try await store.hub.addUser(login: "user\(i)", displayName: String(repeating: "x", count: 100))
        }
        try store.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(full.count > 16384)
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: path))
        try refuses(path, mentioning: ["damaged", "docs/durability.md"])
    }

    /// Bytes overwritten in the middle of a table: SQLite's check finds it, the hub refuses to
    /// open it, names the file and the recovery steps, and changes nothing.
    @Test func refusesAStoreDamagedInTheMiddle() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        let store = try HubStore(path: path)
        for i in 0..<400 {
            _ = try await store.hub.addUser(login: "user\(i)", displayName: String(repeating: "y", count: 90))
        }
        try store.close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let pageSize = 4096
        let middle = (bytes.count / pageSize / 2) * pageSize
        bytes.replaceSubrange(middle..<middle + 64, with: Data(repeating: 0xA5, count: 64))
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreOpenError.self) { try HubStore(path: path) }
        try refuses(path, integrity: .always, mentioning: ["damaged", "not modified", "docs/durability.md"])
        let replicaPath = dir.file("replica.sqlite")
        try ReplicaStore(path: replicaPath).close()
        var replicaBytes = try Data(contentsOf: URL(fileURLWithPath: replicaPath))
        replicaBytes.replaceSubrange(pageSize..<pageSize + 64, with: Data(repeating: 0xA5, count: 64))
        try replicaBytes.write(to: URL(fileURLWithPath: replicaPath))
        #expect {
            try ReplicaStore(path: replicaPath, checkWholeFile: true)
        } throws: { error in
            "\(error)".contains("damaged") && "\(error)".contains(replicaPath)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: replicaPath)) == replicaBytes)
    }

    @Test func refusesADirectoryAndAnEmptyFile() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(throws: StoreOpenError.self) { try StoreOpener.open(path: dir.path, kind: .replica) }
        let empty = dir.file("empty.sqlite")
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(throws: StoreOpenError.self) { try StoreOpener.open(path: empty, kind: .replica) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
    }

    @Test func refusesAStoreOfANewerVersion() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        try HubStore(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try queue.write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        #expect {
            _ = try StoreOpener.open(path: path, kind: .hub)
        } throws: { error in
            "\(error)".contains("newer RaceSync version")
        }
    }
}

@Suite struct StorePermissionTests {
    @Test func newStoresAreOwnerOnly() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("replica.sqlite")
        let replica = try ReplicaStore(path: path)
        try replica.close()
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }
}

/// Closing a store is once: a second close does nothing (GRDB would hand SQLite a closed
/// connection's null handle), and work asked of a closed store fails with an error, never a crash.
@Suite struct ClosedStoreTests {
    @Test func aClosedStoreClosesAgainQuietlyAndRefusesWork() async throws {
        let dir = TempDir()
        let hub = try HubStore(path: dir.file("hub.sqlite"))
        _ = try await hub.hub.addUser(login: "org", displayName: nil)
        try hub.close()
        try hub.close()
        await #expect(throws: (any Error).self) { try await hub.hub.liveFeed(.all, baseURL: "http://x") }
        let replica = try ReplicaStore(path: dir.file("replica.sqlite"))
        try replica.close()
        try replica.close()
    }
}
