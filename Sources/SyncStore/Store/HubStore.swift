import Foundation
import GRDB
import SyncCore
import Synchronization

/// The hub's authoritative store: users and tokens, races, members, caster registers,
/// live status and the change log, in one SQLite file (WAL).
///
/// Every state change writes its change-log entry in the same transaction. Caster
/// membership changes, from REST and from sync pushes alike, go through `merge`.
public final class HubStore: Sendable {
    let pool: DatabasePool
    /// The store file.
    public let path: String
    /// The current log epoch: identifies this store (and this run of it) in pull cursors; a
    /// cursor this store cannot place means "reset" (see `LogEpochs`).
    public let storeID: String
    let clock: Mutex<HybridClock>
    let now: @Sendable () -> Int64
    /// Signalled after every commit that grew the change log.
    public let changeSignal = ChangeSignal()
    /// The hub's node name in HLC stamps.
    public static let nodeName = "hub"
    /// Set when the file was not closed cleanly and SQLite recovered it on open (for the log).
    public let recovery: String?
    /// Whether the last write failed for lack of disk space (`/healthz` answers 503 until a write works).
    let diskFull = Mutex(DiskFullState())

    /// Opens or creates the hub store at `path`. A serving hub passes `beginEpoch: true`, so
    /// that a store restored from a backup never serves stale cursors (see `LogEpochs`).
    public init(path: String, beginEpoch: Bool = false, now: @escaping @Sendable () -> Int64 = WallClock.nowMs)
        throws(StoreOpenError)
    {
        var recovery: String?
        let pool = try StoreOpener.open(path: path, kind: .hub, cacheMiB: 64, integrity: .always) { recovery = $0 }
        self.pool = pool
        self.recovery = recovery
        self.path = path
        self.now = now
        do {
            let (id, last) = try pool.write { db -> (String, HLC?) in
                let id = try LogEpochs.current(db, begin: beginEpoch, atMs: now())
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT hlc_wall, hlc_counter, hlc_node FROM casters ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1"
                )
                let last = row.map {
                    HLC(wallMs: $0[0], counter: UInt16(clamping: $0[1] as Int64), node: Self.nodeName)
                }  // only seeds the clock: clamping is safe
                return (id, last)
            }
            self.storeID = id
            self.clock = Mutex(HybridClock(node: Self.nodeName, last: last))
        } catch {
            try? pool.close()
            throw StoreOpenError.from(error, path: path, doing: "cannot be read")
        }
    }

    /// Closes the database (waits for running statements).
    public func close() throws { try StoreOpener.close(pool) }

    /// A new hub stamp for a REST write (never waits: see `HybridClock`).
    func stamp() -> HLC {
        clock.withLock { clock in clock.tick(now: now()) }
    }

    /// The hub clock's last stamp.
    public var currentHLC: HLC { clock.withLock { $0.last } }

    /// Moves the hub clock past `remote` (never waits: see `HybridClock`).
    func observe(_ remote: HLC) {
        clock.withLock { clock in clock.receive(remote, now: now()) }
    }

    /// Runs a write transaction and, unless `notify` is false, wakes long-polling pulls (and
    /// invalidates cached feeds) when it commits. A write that fails for lack of disk space
    /// throws `StoreUnavailable` (503 with `Retry-After`) and marks the store unable to write
    /// until a write works again (see `canWrite`).
    func write<T>(notify: Bool = true, _ body: (Database) throws -> T) throws -> T {
        let result: T
        do {
            result = try pool.write(body)
        } catch {
            guard StoreFailure.classify(error, path: path) == .diskFull else { throw error }
            diskFull.withLock { $0.full = true }
            throw StoreUnavailable.diskFull(path: path)
        }
        diskFull.withLock { $0.full = false }
        if notify { changeSignal.notify() }
        return result
    }

    /// Runs a read.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
