import Foundation
import GRDB
import SyncCore

/// Whether the hub store's last write failed for lack of disk space, and when `/healthz` last
/// tried a write to find out whether space was freed.
struct DiskFullState: Sendable {
    var full = false
    var lastProbe: ContinuousClock.Instant?
}

extension HubStore {
    /// Whether the last write failed for lack of disk space (cheap: no store access).
    var lastWriteFoundDiskFull: Bool { diskFull.withLock { $0.full } }

    /// Whether the store can write now (`/healthz`). After a write failed for lack of space, at
    /// most once a second it looks whether space was freed: the disk has room again (a small
    /// write alone can succeed in WAL space the failed write left, so it is not proof) and a
    /// probe write works. Any request's write that works ends the outage too.
    public func canWrite() async -> Bool {
        let probe = diskFull.withLock { state -> Bool? in
            guard state.full else { return nil }
            let now = ContinuousClock.now
            if let last = state.lastProbe, now - last < .seconds(1) { return false }
            state.lastProbe = now
            return true
        }
        switch probe {
        case nil: return true
        case false?: return false
        case true?:
            guard (StoreFailure.freeBytes(near: path) ?? .max) >= StoreFailure.lowSpaceBytes else { return false }
            do {
                let now = clock.now()
                try await runTransaction { tx in try await tx.probeWrite(atMs: now) }
                return true
            } catch {
                return false
            }
        }
    }
}
