import Foundation
import RaceService
import SyncCore

/// Looks at a database file's SQLite header, without opening it with SQLite, to decide
/// whether it may be opened as a store of a given kind. Nothing is written.
///
/// It refuses only what the header alone always tells right: not a file, empty, not SQLite,
/// another application's or the other kind's store. It never judges damage: a WAL database is
/// its main file *and* its WAL, and after `kill -9` (or a full disk) in the middle of a
/// checkpoint the main file's page 1 can already count pages the file does not hold yet, while
/// the WAL beside it holds every committed page. SQLite recovers exactly that on open, so such
/// a file is answered `.askSQLite` and `StoreIntegrity` lets SQLite decide.
enum StoreFileCheck {
    enum Verdict: Equatable {
        /// No file, or an empty one: a new store will be created.
        case create
        /// A store of the expected kind.
        case open
        /// A store of the expected kind whose main file alone looks inconsistent (shorter than
        /// its header says): a crash state SQLite may recover, or damage; only SQLite can tell.
        case askSQLite
    }

    static func inspect(path: String, kind: StoreKind) throws(StoreOpenError) -> Verdict {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .create }
        if isDirectory.boolValue { throw StoreOpenError(path: path, reason: "is a directory, not a \(kind.noun) file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreOpenError(path: path, reason: "cannot be read (check its permissions)")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        let size = (try? handle.seekToEnd()) ?? 0
        if header.isEmpty {
            throw StoreOpenError(path: path, reason: "is an empty file, not a \(kind.noun) (remove it to start afresh)")
        }
        return try verdict(header: [UInt8](header), fileSize: size, path: path, kind: kind)
    }

    /// The pure part: judge the first 100 bytes and the file's size.
    static func verdict(header: [UInt8], fileSize: UInt64, path: String, kind: StoreKind) throws(StoreOpenError)
        -> Verdict
    {
        let magic = Array("SQLite format 3\0".utf8)
        guard header.count == 100, Array(header[0..<16]) == magic else {
            throw StoreOpenError(
                path: path, reason: "is not a \(kind.noun): not an SQLite database (or another kind of file)")
        }
        func be32(_ offset: Int) -> UInt32 {
            header[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        // The application id is written when the file is created, before WAL mode is on, so the
        // main file always carries it, whatever a crash left in the WAL.
        let applicationID = Int32(bitPattern: be32(68))
        if applicationID != kind.applicationID {
            let other: StoreKind = kind == .hub ? .replica : .hub
            if applicationID == other.applicationID {
                throw StoreOpenError(path: path, reason: "is a \(other.noun), not a \(kind.noun)")
            }
            throw StoreOpenError(path: path, reason: "is not a \(kind.noun): an SQLite database of another application")
        }
        var pageSize = UInt64(header[16]) << 8 | UInt64(header[17])
        if pageSize == 1 { pageSize = 65536 }
        let pageCount = UInt64(be32(28))
        let headerSizeIsValid = be32(24) == be32(92)
        let (expected, overflow) = pageSize.multipliedReportingOverflow(by: pageCount)
        if headerSizeIsValid, pageCount > 0, overflow || fileSize < expected { return .askSQLite }
        return .open
    }
}
