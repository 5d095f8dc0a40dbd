import SyncCore
import Foundation
import GRDB
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

    /// Opens or creates the hub store at `path`. A serving hub passes `beginEpoch: true`, so
    /// that a store restored from a backup never serves stale cursors (see `LogEpochs`).
    public init(path: String, beginEpoch: Bool = false, now: @escaping @Sendable () -> Int64 = WallClock.nowMs) throws(StoreOpenError) {
        self.pool = try StoreOpener.open(path: path, kind: .hub, cacheMiB: 64)
        self.path = path
        self.now = now
        do {
            let (id, last) = try pool.write { db -> (String, HLC?) in
                let id = try LogEpochs.current(db, begin: beginEpoch, atMs: now())
                let row = try Row.fetchOne(
                    db, sql: "SELECT hlc_wall, hlc_counter, hlc_node FROM casters ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1")
                let last = row.map { HLC(wallMs: $0[0], counter: UInt16(clamping: $0[1] as Int64), node: Self.nodeName) }  // only seeds the clock: clamping is safe
                return (id, last)
            }
            self.storeID = id
            self.clock = Mutex(HybridClock(node: Self.nodeName, last: last))
        } catch {
            throw StoreOpenError(path: path, reason: "cannot be read: \(StoreOpener.message(error))")
        }
    }

    /// Closes the database (waits for running statements).
    public func close() throws { try pool.close() }

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
    /// invalidates cached feeds) when it commits.
    func write<T>(notify: Bool = true, _ body: (Database) throws -> T) throws -> T {
        let result = try pool.write(body)
        if notify { changeSignal.notify() }
        return result
    }

    /// Runs a read.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
