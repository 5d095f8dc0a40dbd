import Foundation
import GRDB
public import RaceService
public import SyncCore
import Synchronization

/// The hub's authoritative store: users and tokens, races, members, caster registers,
/// live status and the change log, in one SQLite file (WAL).
///
/// SQL only: the use cases that change it live in `Hub` (RaceService), which writes through
/// `SQLiteHubBackend`'s transactions; every state change writes its change-log entry in the same
/// transaction.
public final class HubStore: Sendable {
    let pool: DatabasePool
    /// Set by the first `close()`: closing again does nothing.
    private let closed = Atomic<Bool>(false)
    /// The store file.
    public let path: String
    /// The current log epoch: identifies this store (and this run of it) in pull cursors; a
    /// cursor this store cannot place means "reset" (see `LogEpochs`).
    public let storeID: String
    /// The hub's clock, seeded from the newest stamp the store holds.
    public let clock: HubClock
    /// Writers take turns here: a write transaction spans several calls (`SQLiteHubBackend`).
    let lane = WriteLane()
    /// Signalled after every commit that grew the change log.
    public let changeSignal = ChangeSignal()
    /// Set when the file was not closed cleanly and SQLite recovered it on open (for the log).
    public let recovery: String?
    /// Set when opening upgraded an existing store's schema: which migrations ran, how long (for the log).
    public let upgrade: String?
    /// Whether the last write failed for lack of disk space (`/healthz` answers 503 until a write works).
    let diskFull = Mutex(DiskFullState())

    /// Opens or creates the hub store at `path`. A serving hub passes `beginEpoch: true`, so
    /// that a store restored from a backup never serves stale cursors (see `LogEpochs`).
    public init(path: String, beginEpoch: Bool = false, now: @escaping @Sendable () -> Int64 = WallClock.nowMs)
        throws(StoreOpenError)
    {
        var recovery: String?
        var upgrade: String?
        // A 1000-op push writes about 1800 pages (the register, its seq index entry, the op
        // id): with SQLite's default (checkpoint after 1000 pages) every push would also copy
        // its pages into the main file and fsync it. 16384 pages (64 MiB of WAL at most, before
        // a checkpoint) copies a page rewritten by several pushes once; `make bench` measured
        // 15–16k ops/s with the default and 17–23k with this (100k ops, 1000 per push).
        let pool = try StoreOpener.open(
            path: path, kind: .hub, cacheMiB: 64, integrity: .always, transactionsSpanCalls: true,
            checkpointAfterPages: 16384, onRecovery: { recovery = $0 }, onUpgrade: { upgrade = $0 })
        self.pool = pool
        self.recovery = recovery
        self.upgrade = upgrade
        self.path = path
        do {
            let (id, last) = try pool.write { db -> (String, HLC?) in
                let id = try LogEpochs.current(db, begin: beginEpoch, atMs: now())
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT hlc_wall, hlc_counter, hlc_node FROM casters ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1"
                )
                let last = row.map {
                    HLC(wallMs: $0[0], counter: UInt16(clamping: $0[1] as Int64), node: HubClock.nodeName)
                }  // only seeds the clock: clamping is safe
                return (id, last)
            }
            self.storeID = id
            self.clock = HubClock(last: last, now: now)
        } catch {
            try? pool.close()
            throw StoreOpenError.from(error, path: path, doing: "cannot be read")
        }
    }

    /// Closes the database (waits for running statements). Closing again does nothing; work
    /// asked of a closed store fails with an error.
    public func close() throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try StoreOpener.close(pool)
    }

    /// The hub clock's last stamp.
    public var currentHLC: HLC { clock.last }

    /// Runs a read.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
