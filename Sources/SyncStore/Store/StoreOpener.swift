import Foundation
import GRDB
import SyncCore

/// Opens (or creates) a RaceSync database file as a WAL-mode `DatabasePool`, after checking
/// that the file is a store of the expected kind. A foreign, damaged or newer file is refused
/// with a `StoreOpenError` and left byte-for-byte untouched; a file left by a crash (at any
/// moment, a checkpoint included) opens with every committed write, recovered by SQLite.
enum StoreOpener {
    /// Opens the store at `path`. `integrity` says when SQLite checks the whole file first.
    /// `onRecovery` is told when the file was not closed cleanly (a WAL was left beside it).
    static func open(
        path: String, kind: StoreKind, cacheMiB: Int = 16, integrity: StoreIntegrity.Policy = .whenSuspicious,
        transactionsSpanCalls: Bool = false, checkpointAfterPages: Int? = nil, onRecovery: (String) -> Void = { _ in },
        onUpgrade: (String) -> Void = { _ in }
    ) throws(StoreOpenError) -> DatabasePool {
        let verdict = try StoreFileCheck.inspect(path: path, kind: kind)
        switch verdict {
        case .create:
            try create(path: path, kind: kind)
        case .askSQLite:
            let report = try StoreIntegrity.check(path: path)
            onRecovery(
                "its main file was caught mid-checkpoint; SQLite recovered it from the write-ahead log (\(report.walBytes) bytes)"
            )
        case .open where integrity == .always:
            let report = try StoreIntegrity.check(path: path)
            if report.walBytes > 0 {
                onRecovery(
                    "it was not closed cleanly (a crash, or kill -9); SQLite replayed its write-ahead log (\(report.walBytes) bytes)"
                )
            }
        case .open:
            break
        }
        var config = Configuration()
        config.busyMode = .timeout(15)
        config.foreignKeysEnabled = true
        // The hub's write transactions span several calls (`SQLiteHubBackend`): one writer at a time.
        config.allowsUnsafeTransactions = transactionsSpanCalls
        config.prepareDatabase { db in
            // FULL: every commit is fsynced, so an acknowledged write survives a crash
            // of the process and of the machine (see docs/durability.md).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = \(-1024 * cacheMiB)")
            // Temporary tables (the merge stages a batch in one) live in memory, never in a file.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if let pages = walAutocheckpointPages ?? checkpointAfterPages {
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
            }
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreOpenError.from(error, path: path, doing: "cannot be opened")
        }
        do {
            let migrator = Schema.migrator(for: kind)
            if try !schemaIsCurrent(pool, migrator, path: path) { try migrate(pool, migrator, onUpgrade: onUpgrade) }
        } catch {
            try? pool.close()
            throw StoreOpenError.from(error, path: path, doing: "cannot be read")
        }
        return pool
    }

    /// Applies the missing migrations; a store that had some already (an upgrade, not a new
    /// file) is described to `onUpgrade`: which migrations ran and how long they took.
    private static func migrate(_ pool: DatabasePool, _ migrator: DatabaseMigrator, onUpgrade: (String) -> Void)
        throws
    {
        let applied = try pool.read { try migrator.appliedIdentifiers($0) }
        let started = ContinuousClock.now
        try migrator.migrate(pool)
        guard !applied.isEmpty else { return }
        let ran = migrator.migrations.filter { !applied.contains($0) }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        onUpgrade("upgraded to schema \(ran.joined(separator: ", ")) in \(String(format: "%.2f", seconds)) s")
    }

    /// Whether the store holds this version's schema (false: migrations are due); a store of a
    /// newer version is refused.
    private static func schemaIsCurrent(_ store: any DatabaseReader, _ migrator: DatabaseMigrator, path: String)
        throws -> Bool
    {
        let (superseded, complete) = try store.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if superseded {
            throw StoreOpenError(path: path, reason: "was written by a newer RaceSync version; upgrade to use it")
        }
        return complete
    }

    /// One read-only connection (`SQLITE_OPEN_READONLY`) to the store at `path`, for reading
    /// alone; nil when the file needs writing first (caught mid-checkpoint, or migrations to run):
    /// then `open` it. A foreign, damaged or newer file is refused as `open` refuses it.
    static func openReadOnly(path: String, kind: StoreKind) throws(StoreOpenError) -> DatabaseQueue? {
        guard case .open = try StoreFileCheck.inspect(path: path, kind: kind) else { return nil }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(15)
        let connection: DatabaseQueue
        do {
            connection = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw StoreOpenError.from(error, path: path, doing: "cannot be opened")
        }
        do {
            if try schemaIsCurrent(connection, Schema.migrator(for: kind), path: path) { return connection }
        } catch {
            try? connection.close()
            throw StoreOpenError.from(error, path: path, doing: "cannot be read")
        }
        try? connection.close()
        return nil
    }

    /// Closes a store cleanly: folds the WAL into the main file and truncates it first (best
    /// effort: a busy or full disk leaves the WAL, which SQLite replays on the next open). GRDB
    /// closes the pool's writer before its read-only readers, so SQLite's own checkpoint on the
    /// last close never runs; without this every store would look like one left by a crash.
    /// Checkpoints and closes `pool`. Call it once per pool (the stores see to that): on a closed
    /// pool GRDB hands the connection's null handle to SQLite's checkpoint, which crashes.
    static func close(_ pool: DatabasePool) throws {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try pool.close()
    }

    /// `RACESYNC_WAL_AUTOCHECKPOINT`: pages of WAL after which a commit checkpoints, for every
    /// store (else the store's own `checkpointAfterPages`, else SQLite's default, 1000). The
    /// crash tests set it small so that kills land mid-checkpoint.
    static let walAutocheckpointPages: Int? = {
        guard let text = ProcessInfo.processInfo.environment["RACESYNC_WAL_AUTOCHECKPOINT"], let pages = Int(text),
            pages >= 0
        else { return nil }
        return pages
    }()

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
        // Owner-only from the first byte (created with that mode, never chmod'ed after): a replica
        // keeps its API token, a hub its token hashes. SQLite gives the -wal and -shm files the
        // same mode. O_EXCL | O_NOFOLLOW: never through a link planted at the path.
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreOpenError(
                path: path,
                reason: "cannot be created: \(String(cString: strerror(errno))) (check the folder's permissions)")
        }
        Glibc.close(fd)
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
            for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
            throw StoreOpenError.from(error, path: path, doing: "cannot be created")
        }
    }
}
