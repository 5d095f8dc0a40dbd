import Foundation
import RaceService
import SyncCore
public import SyncStore

/// Logging a replica in, for `racecli login` and `syncd node --hub`: the hub's snapshot file
/// is downloaded beside the replica and installed in one transaction, then the tail is pulled
/// from its cursor (a hub without snapshots is read as JSON pages from the start instead).
/// The replica is opened (`open`) only once the snapshot or the pages have arrived whole, so
/// a hub that fails meanwhile leaves nothing stored.
public enum ReplicaLogin {
    public static func run(
        replicaPath: String, hub: any HubAPI, session: ReplicaSession, open: () throws -> ReplicaStore
    ) async throws -> ReplicaStore {
        let file = replicaPath + ".snapshot-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // A first login may name a replica in a folder that does not exist yet (the default one).
        let folder = (replicaPath as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        guard try await hub.snapshot(to: file) else {
            let pages = try await SyncRound.snapshot(from: hub)
            let store = try open()
            try await store.async.login(session, snapshot: pages)
            return store
        }
        let store = try open()
        try await store.async.login(session, snapshotFile: file)
        // The login is complete; the tail is a normal sync, done later if the hub vanishes now.
        var report = SyncReport()
        try? await SyncRound(store: store, hub: hub).pull(into: &report)
        return store
    }
}
