import Foundation
import GRDB

/// Lets SQLite judge a store file: opens it read-only (SQLite reads the WAL beside it and
/// recovers a crash state in memory, writing nothing to the main file or the WAL, and a
/// read-only connection never checkpoints on close), runs `PRAGMA quick_check`, and refuses
/// the file only when SQLite finds it damaged.
enum StoreIntegrity {
    /// When `StoreOpener` asks SQLite to check a whole file.
    enum Policy: Sendable {
        /// On every open: daemons, which open their store once (the hub, `syncd node`).
        case always
        /// Only when the header check found the main file inconsistent (a crash mid-checkpoint
        /// looks so): commands run many times a minute (`racecli`), whose queries still meet
        /// SQLite's own damage checks on every page they read.
        case whenSuspicious
    }

    /// What SQLite found: whether the main file alone was behind its WAL (a recovered crash).
    struct Report {
        /// Bytes of WAL beside the main file when it was checked (non-zero: not closed cleanly).
        var walBytes: Int64
    }

    /// Throws a `StoreOpenError` naming the damage when SQLite finds the store damaged.
    static func check(path: String) throws(StoreOpenError) -> Report {
        let walBytes =
            (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.int64Value ?? 0
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(15)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            let findings = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            if findings != ["ok"] {
                throw StoreOpenError(
                    path: path,
                    reason:
                        "is damaged (SQLite's quick_check: \(findings.prefix(3).joined(separator: "; "))); \(StoreFailure.recoveryPointer)"
                )
            }
        } catch {
            throw StoreOpenError.from(error, path: path, doing: "cannot be read")
        }
        return Report(walBytes: walBytes)
    }
}
