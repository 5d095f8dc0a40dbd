import Foundation
import GRDB

/// What a failed SQLite call means for the person running RaceSync: the disk is full (an outage
/// that ends when space is freed), the file is damaged (SQLite itself says so), or something else.
///
/// Only SQLite judges damage: a crash leaves a WAL database in states that look wrong from the
/// main file alone (see `StoreFileCheck`), and SQLite recovers them on open.
public enum StoreFailure: Equatable, Sendable {
    /// No space left on the store's disk: nothing of the failed write was committed.
    case diskFull
    /// SQLite reports the file damaged (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, a failed `quick_check`).
    case damaged(String)
    /// Any other failure, with SQLite's message.
    case other(String)

    /// Classifies `error` from a call on the store at `path`. An I/O error on a disk with almost
    /// no space left counts as a full disk (SQLite reports some `ENOSPC` failures, such as growing
    /// the shared-memory file, as I/O errors).
    public static func classify(_ error: any Error, path: String) -> StoreFailure {
        guard let error = error as? DatabaseError else { return .other("\(error)") }
        let message = error.message ?? "\(error)"
        switch error.resultCode {
        case .SQLITE_FULL:
            return .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .damaged(message)
        case .SQLITE_IOERR where freeBytes(near: path).map({ $0 < lowSpaceBytes }) ?? false:
            return .diskFull
        default:
            return .other(message)
        }
    }

    /// Below this much free space an I/O error is taken for a full disk.
    static let lowSpaceBytes: UInt64 = 256 * 1024

    /// The bytes an unprivileged writer may still use on the filesystem holding `path`.
    static func freeBytes(near path: String) -> UInt64? {
        var stats = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &stats) == 0 else { return nil }
        let (bytes, overflow) = UInt64(stats.f_bavail).multipliedReportingOverflow(by: UInt64(stats.f_frsize))
        return overflow ? .max : bytes
    }

    /// Where an operator learns what to do with a damaged store.
    public static let recoveryPointer =
        "the file was not modified: keep it, and recover it as docs/durability.md describes ('Recovering a damaged store': sqlite3 .recover, or restore a backup)"
}

/// A write failed because the store's disk is full. Nothing of that write was committed; every
/// write acknowledged before is kept, and writes work again once space is freed.
public struct StoreDiskFull: Error, CustomStringConvertible, Sendable {
    /// The store file.
    public let path: String

    public init(path: String) { self.path = path }

    /// Runs `work` on the store at `path`, reporting a full disk as `StoreDiskFull`.
    static func naming<T>(_ path: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch {
            if StoreFailure.classify(error, path: path) == .diskFull { throw StoreDiskFull(path: path) }
            throw error
        }
    }

    public var description: String {
        "\(path): disk full: nothing was written; free space on its disk and try again (every earlier write is kept)"
    }
}

extension StoreOpenError {
    /// The error for a failure while opening or preparing the store at `path`, named by what it
    /// means (`StoreFailure`): a full disk, damage SQLite found, or `doing` with SQLite's message.
    static func from(_ error: any Error, path: String, doing: String) -> StoreOpenError {
        if let error = error as? StoreOpenError { return error }
        switch StoreFailure.classify(error, path: path) {
        case .diskFull:
            return StoreOpenError(
                path: path,
                reason: "cannot be opened: the disk holding it is full; free space and start again (nothing was lost)")
        case .damaged(let message):
            return StoreOpenError(
                path: path, reason: "is damaged (SQLite: \(message)); \(StoreFailure.recoveryPointer)")
        case .other(let message):
            return StoreOpenError(path: path, reason: "\(doing): \(message)")
        }
    }
}
