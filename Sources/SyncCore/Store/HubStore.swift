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
    /// Identifies this store in pull cursors; a cursor of another store means "reset".
    public let storeID: String
    let clock: Mutex<HybridClock>
    let now: @Sendable () -> Int64
    /// Signalled after every commit that grew the change log.
    public let changeSignal = ChangeSignal()
    /// The hub's node name in HLC stamps.
    public static let nodeName = "hub"

    /// Opens or creates the hub store at `path`.
    public init(path: String, now: @escaping @Sendable () -> Int64 = WallClock.nowMs) throws(StoreOpenError) {
        self.pool = try StoreOpener.open(path: path, kind: .hub, cacheMiB: 64)
        self.now = now
        do {
            let (id, last) = try pool.write { db -> (String, HLC?) in
                let id = try Meta.getOrCreate(db, "store_id", Meta.randomHex)
                let row = try Row.fetchOne(
                    db, sql: "SELECT hlc_wall, hlc_counter, hlc_node FROM casters ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1")
                let last = row.map { HLC(wallMs: $0[0], counter: UInt16(clamping: $0[1] as Int64), node: Self.nodeName) }
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

    /// A new hub stamp for a REST write, waiting out a counter overflow.
    func stamp() -> HLC {
        while true {
            let stamp = clock.withLock { clock in try? clock.tick(now: now()) }
            if let stamp { return stamp }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    /// The hub clock's last stamp.
    public var currentHLC: HLC { clock.withLock { $0.last } }

    func observe(_ remote: HLC) {
        while (clock.withLock { clock in (try? clock.receive(remote, now: now())) == nil }) {
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    /// Runs a write transaction and wakes long-polling pulls when it commits.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try pool.write(body)
        changeSignal.notify()
        return result
    }

    /// Runs a read.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
