import Foundation

/// Writes the live feeds into a folder any static server can serve: `live.atom`, `live.rss`
/// and `races/<id>/live.{atom,rss}` for every active race. Each file is written to a
/// temporary file in the same folder, fsynced and renamed over the old one, so a reader
/// never sees a half-written file. Folders of races that are no longer active are removed.
public struct FeedExporter: Sendable {
    public let directory: String
    public let cache: FeedCache
    public let store: HubStore

    public init(directory: String, cache: FeedCache, store: HubStore) {
        self.directory = directory
        self.cache = cache
        self.store = store
    }

    /// Exports every feed; returns the number of files written.
    @discardableResult
    public func export() throws -> Int {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/races", withIntermediateDirectories: true)
        var written = 0
        for format in FeedRenderer.Format.allCases {
            if let feed = try cache.get(.all, format) {
                try Self.writeAtomically(feed.bytes, to: directory + "/live.\(format.rawValue)")
                written += 1
            }
        }
        let active = Set(try store.activeRaceIDs().map(\.lowercased))
        for race in active {
            let folder = directory + "/races/" + race
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for format in FeedRenderer.Format.allCases {
                guard let id = UUID(uuidString: race), let feed = try cache.get(.race(id), format) else { continue }
                try Self.writeAtomically(feed.bytes, to: folder + "/live.\(format.rawValue)")
                written += 1
            }
        }
        for entry in (try? fm.contentsOfDirectory(atPath: directory + "/races")) ?? [] where !active.contains(entry) {
            try? fm.removeItem(atPath: directory + "/races/" + entry)
        }
        return written
    }

    /// Temp file in the same folder, write, fsync, rename, fsync the folder.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temp = folder + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString.prefix(8)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
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
        let dirfd = open(folder, O_RDONLY)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    public struct ExportError: Error, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
    }
}
