import SyncCore
import Foundation
import GRDB

/// Opens (or creates) a RaceSync database file as a WAL-mode `DatabasePool`, after checking
/// that the file is a store of the expected kind. A foreign, corrupt or newer file is refused
/// with a `StoreOpenError` and left byte-for-byte untouched.
enum StoreOpener {
    static func open(path: String, kind: StoreKind, cacheMiB: Int = 16) throws(StoreOpenError) -> DatabasePool {
        let verdict = try StoreFileCheck.inspect(path: path, kind: kind)
        if verdict == .create { try create(path: path, kind: kind) }
        var config = Configuration()
        config.busyMode = .timeout(15)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // FULL: every commit is fsynced, so an acknowledged write survives a crash
            // of the process and of the machine (see docs/durability.md).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = \(-1024 * cacheMiB)")
            // Temporary tables (the merge stages a batch in one) live in memory, never in a file.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreOpenError(path: path, reason: "cannot be opened: \(message(error))")
        }
        let migrator = Schema.migrator(for: kind)
        do {
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreOpenError(path: path, reason: "was written by a newer RaceSync version; upgrade to use it")
            }
            let complete = try pool.read { db in try migrator.hasCompletedMigrations(db) }
            if !complete { try migrator.migrate(pool) }
        } catch let error as StoreOpenError {
            throw error
        } catch {
            throw StoreOpenError(path: path, reason: "is corrupt or unreadable: \(message(error))")
        }
        return pool
    }

    /// Creates the file with its kind in the header before WAL mode is turned on, so the
    /// main file is recognisable at once (WAL frames are not in the main file).
    private static func create(path: String, kind: StoreKind) throws(StoreOpenError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreOpenError(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
            }
        }
        // Owner-only from the first byte: a replica keeps its API token, a hub its token hashes.
        // SQLite gives the -wal and -shm files the same mode.
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreOpenError(path: path, reason: "cannot be created (check the folder's permissions)")
        }
        do {
            var config = Configuration()
            config.journalMode = .default
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = \(kind.applicationID)")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.close()
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw StoreOpenError(path: path, reason: "cannot be created: \(message(error))")
        }
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error)" }
        return "\(error)"
    }
}
