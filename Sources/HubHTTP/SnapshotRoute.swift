import Foundation
import HTTPTypes
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// `GET /api/sync/snapshot`: a consistent SQLite file of the replicated state for a fresh
/// node, with the cursor it is valid at (`X-RaceSync-Cursor`, also the `ETag`). Built once
/// and shared: concurrent requests wait for the one build in progress, and later ones get the
/// cached bytes until the store changes, and in any case for `minInterval` after a build, so
/// however often clients commit and ask, the hub builds at most one snapshot per interval. A
/// snapshot that lags is still right: it carries its own cursor, and the node pulls the tail.
actor SnapshotCache {
    struct Snapshot: Sendable {
        var bytes: ByteBuffer
        var cursor: String
    }

    private let store: Hub
    private let minInterval: Duration
    private var cached: (generation: UInt64, builtAt: ContinuousClock.Instant, snapshot: Snapshot)?
    private var building: Task<Snapshot, any Error>?

    init(store: Hub, minInterval: Duration = .seconds(5)) {
        self.store = store
        self.minInterval = minInterval
    }

    func current() async throws -> Snapshot {
        let generation = store.changeSignal.generation
        if let cached, cached.generation == generation || ContinuousClock.now - cached.builtAt < minInterval {
            return cached.snapshot
        }
        if let building { return try await building.value }
        let store = self.store
        let task = Task { try await Self.build(store) }
        building = task
        defer { building = nil }
        let snapshot = try await task.value
        cached = (generation, ContinuousClock.now, snapshot)
        return snapshot
    }

    private static func build(_ store: Hub) async throws -> Snapshot {
        let folder = NSTemporaryDirectory() + "racesync-snapshot-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cursor = try await store.writeSnapshot(to: folder + "/snapshot.sqlite")
        // Reading these bytes directly is safe: the file is ours alone, written inside one SQLite
        // transaction, its WAL checkpointed into the main file and every connection to it closed
        // (`writeSnapshot`). A live store file is never read or copied this way.
        let data = try await Offload.hub.run { try Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot.sqlite")) }
        return Snapshot(bytes: ByteBuffer(bytes: data), cursor: cursor.text)
    }
}

struct SnapshotRoute {
    let store: Hub
    let cache: SnapshotCache

    func register(on router: Router<HubContext>) {
        router.authenticated(by: store).get(RouterPath(HubPaths.snapshot)) { request, _ in
            let snapshot = try await cache.current()
            let etag = "\"\(snapshot.cursor)\""
            var headers: HTTPFields = [
                .contentType: "application/vnd.sqlite3", .eTag: etag, .cacheControl: "private, no-cache",
            ]
            headers[.raceSyncCursor] = snapshot.cursor
            if let inm = request.headers[.ifNoneMatch], ConditionalRequest.matches(inm, etag: etag) {
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentDisposition] = "attachment; filename=\"racesync-snapshot.sqlite\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: snapshot.bytes))
        }
    }
}
