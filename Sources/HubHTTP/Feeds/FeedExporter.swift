import Foundation
import SyncCore
import SyncStore

/// Writes the live feeds into a folder any static server can serve: `live.atom`, `live.rss`
/// and `races/<id>/live.{atom,rss}` for every active race. Each file is written to a
/// temporary file in the same folder, fsynced and renamed over the old one, so a reader
/// never sees a half-written file.
///
/// The folder may be shared with other things, so the exporter is careful with what it does
/// not own: it never follows a symbolic link under the folder (`races` or a race folder that is
/// a link is refused), and when a race is no longer active it deletes only the files it writes
/// from that race's folder (named by a lowercase UUID), then the folder if it is empty.
public struct FeedExporter: Sendable {
    public let directory: String
    public let cache: FeedCache
    public let store: any HubStorage

    /// The files the exporter writes in each folder.
    static let fileNames = FeedRenderer.Format.allCases.map { "live.\($0.rawValue)" }

    public init(directory: String, cache: FeedCache, store: any HubStorage) {
        self.directory = directory
        self.cache = cache
        self.store = store
    }

    /// Exports every feed; returns the number of files written.
    @discardableResult
    public func export() async throws -> Int {
        // The feeds first (from the store), then the files, off the cooperative pool (fsync).
        var all: [(FeedRenderer.Format, Data)] = []
        for format in FeedRenderer.Format.allCases {
            if let feed = try await cache.get(.all, format) { all.append((format, feed.bytes)) }
        }
        let active = Set(try await store.activeRaceIDs())
        var perRace: [(UUID, FeedRenderer.Format, Data)] = []
        for race in active {
            for format in FeedRenderer.Format.allCases {
                guard let feed = try await cache.get(.race(race), format) else { continue }
                perRace.append((race, format, feed.bytes))
            }
        }
        let directory = self.directory
        let (allFeeds, raceFeeds) = (all, perRace)
        return try await Offload.hub.run {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let races = directory + "/races"
            try Self.ensureRealDirectory(races)
            for (format, bytes) in allFeeds {
                try Self.writeAtomically(bytes, to: directory + "/live.\(format.rawValue)")
            }
            for (race, format, bytes) in raceFeeds {
                let folder = races + "/" + race.lowercased
                try Self.ensureRealDirectory(folder)
                try Self.writeAtomically(bytes, to: folder + "/live.\(format.rawValue)")
            }
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: races)) ?? [] {
                guard let id = UUID(uuidString: entry), entry == id.lowercased, !active.contains(id) else { continue }
                Self.removeExportedFolder(races + "/" + entry)
            }
            return allFeeds.count + raceFeeds.count
        }
    }

    /// The kind of thing at `path`, without following a final symbolic link.
    enum Entry { case missing, directory, symbolicLink, other }

    static func entry(at path: String) -> Entry {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// Creates `path` as a directory, or checks that it is one (a link to one is refused).
    static func ensureRealDirectory(_ path: String) throws {
        switch entry(at: path) {
        case .directory: return
        case .missing:
            guard mkdir(path, 0o755) == 0 || entry(at: path) == .directory else { throw ExportError(path: path, errno: errno) }
        case .symbolicLink:
            throw ExportError(path: path, reason: "is a symbolic link; the feed export does not follow links")
        case .other:
            throw ExportError(path: path, reason: "is not a directory")
        }
    }

    /// Removes the exporter's own files from a race folder, then the folder if nothing else is in it.
    static func removeExportedFolder(_ folder: String) {
        guard entry(at: folder) == .directory else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let ours = fileNames.contains(name) || fileNames.contains { name.hasPrefix(".\($0).") && name.hasSuffix(".tmp") }
            if ours, entry(at: folder + "/" + name) != .directory { unlink(folder + "/" + name) }
        }
        rmdir(folder)
    }

    /// Temp file in the same folder, write, fsync, rename, fsync the folder. The temp file is
    /// created exclusively and never through a link; `rename` replaces a link at the target
    /// rather than writing through it.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temp = folder + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString.prefix(8)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExportError(path: temp, errno: errno) }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw ExportError(path: path, errno: code)
        }
        let dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    public struct ExportError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        init(path: String, errno code: Int32) {
            self.init(path: path, reason: String(cString: strerror(code)))
        }

        public var description: String { "cannot export to \(path): \(reason)" }
    }
}
