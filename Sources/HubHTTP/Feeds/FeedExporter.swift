import Foundation
public import RaceService
import SyncCore
import Synchronization

/// Writes the live feeds into a folder any static server can serve: `live.atom`, `live.rss`
/// and `races/<id>/live.{atom,rss}` for every active race. Each file is written to a
/// temporary file in the same folder, fsynced and renamed over the old one, so a reader
/// never sees a half-written file; a file whose bytes did not change is not written again.
///
/// The folder may be shared with other things, so the exporter is careful with what it does
/// not own: every operation is relative to an open folder (`ExportFolder`) and never follows a
/// symbolic link under the export folder (`races` or a race folder that is a link is refused),
/// and when a race is no longer active it deletes only the files it writes from that race's
/// folder (named by a lowercase UUID), then the folder if it is empty.
public final class FeedExporter: Sendable {
    public let directory: String
    public let cache: FeedCache
    public let store: Hub
    /// The ETag of what was last written to each file (relative path), to skip unchanged ones.
    private let written = Mutex<[String: String]>([:])

    /// The files the exporter writes in each folder.
    static let fileNames = FeedRenderer.Format.allCases.map { "live.\($0.rawValue)" }

    public init(directory: String, cache: FeedCache, store: Hub) {
        self.directory = directory
        self.cache = cache
        self.store = store
    }

    /// Exports every feed; returns the number of files written (unchanged ones are not).
    @discardableResult
    public func export() async throws -> Int {
        // The feeds first (from the store), then the files, off the cooperative pool (fsync).
        var all: [(String, FeedCache.Rendered)] = []
        for format in FeedRenderer.Format.allCases {
            if let feed = try await cache.get(.all, format) { all.append(("live.\(format.rawValue)", feed)) }
        }
        let active = Set(try await store.activeRaceIDs())
        var perRace: [(UUID, String, FeedCache.Rendered)] = []
        for race in active {
            for format in FeedRenderer.Format.allCases {
                guard let feed = try await cache.get(.race(race), format) else { continue }
                perRace.append((race, "live.\(format.rawValue)", feed))
            }
        }
        let directory = self.directory
        let (allFeeds, raceFeeds) = (all, perRace)
        return try await Offload.hub.run { [self] in
            let root = try ExportFolder.root(directory)
            let races = try root.folder("races")
            var count = 0
            for (name, feed) in allFeeds {
                if try write(feed, name, in: root, key: name) { count += 1 }
            }
            for (race, name, feed) in raceFeeds {
                let folder = try races.folder(race.lowercased)
                if try write(feed, name, in: folder, key: "races/\(race.lowercased)/\(name)") { count += 1 }
            }
            for entry in races.entries() {
                guard let id = UUID(uuidString: entry), entry == id.lowercased, !active.contains(id) else { continue }
                Self.removeExportedFolder(entry, in: races)
                written.withLock { state in for name in Self.fileNames { state["races/\(entry)/\(name)"] = nil } }
            }
            return count
        }
    }

    /// Writes `feed` unless the file already holds exactly these bytes; true when written.
    private func write(_ feed: FeedCache.Rendered, _ name: String, in folder: ExportFolder, key: String) throws -> Bool
    {
        if written.withLock({ $0[key] }) == feed.etag, folder.hasFile(name) { return false }
        try folder.write(feed.bytes, to: name)
        written.withLock { $0[key] = feed.etag }
        return true
    }

    /// Removes the exporter's own files from a race folder, then the folder if nothing else is in it.
    static func removeExportedFolder(_ name: String, in races: ExportFolder) {
        guard let folder = races.existingFolder(name) else { return }
        for entry in folder.entries() {
            let ours =
                fileNames.contains(entry)
                || fileNames.contains { entry.hasPrefix(".\($0).") && entry.hasSuffix(".tmp") }
            if ours { folder.removeFile(entry) }
        }
        races.removeEmptyFolder(name)
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
