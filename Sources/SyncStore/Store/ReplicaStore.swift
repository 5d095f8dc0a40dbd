public import Foundation
import GRDB
import RaceService
public import SyncCore
import Synchronization

/// Who a replica belongs to and where its hub is (set by `racecli login`).
public struct ReplicaSession: Sendable, Equatable {
    public var hub: String
    public var token: String
    public var user: User

    public init(hub: String, token: String, user: User) {
        self.hub = hub
        self.token = token
        self.user = user
    }
}

/// A node's local replica: the hub's confirmed state (from pulls), an outbox of local ops
/// not yet answered, the ops the hub rejected, and `meta` (node id, session, cursor, clock).
///
/// What users see is the confirmed state with pending ops merged on top by the LWW rule,
/// so a rejected op simply drops out of the view.
public final class ReplicaStore: Sendable {
    /// A `DatabasePool`, or for a replica opened `reading(path:)` one read-only connection.
    let pool: any DatabaseWriter
    /// Set by the first `close()`: closing again does nothing.
    private let closed = Atomic<Bool>(false)
    /// Opened `reading(path:)`: nothing may be written, nothing is checkpointed on close.
    var readOnly: Bool { !(pool is DatabasePool) }
    public let path: String
    /// This replica's node id, also its HLC node name.
    public let nodeID: String
    let now: @Sendable () -> Int64
    /// Set when the file was not closed cleanly and SQLite recovered it on open (for the log).
    public let recovery: String?

    /// Opens an existing replica, or creates one when `create` is true. `checkWholeFile` has
    /// SQLite check every page first (daemons, which open once); otherwise only a file whose
    /// main file looks inconsistent is checked, and queries meet SQLite's page checks as they read.
    public init(
        path: String, create: Bool = true, checkWholeFile: Bool = false,
        now: @escaping @Sendable () -> Int64 = WallClock.nowMs
    ) throws(StoreOpenError) {
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw StoreOpenError(
                path: path, reason: "no replica here yet: run 'racecli login --hub URL --token-stdin' first")
        }
        var recovery: String?
        let pool = try StoreOpener.open(
            path: path, kind: .replica, integrity: checkWholeFile ? .always : .whenSuspicious
        ) { recovery = $0 }
        self.pool = pool
        self.recovery = recovery
        self.path = path
        self.now = now
        do {
            self.nodeID =
                try pool.read { db in try Meta.get(db, "node_id") }
                ?? pool.write { db in try Meta.getOrCreate(db, "node_id") { "node-" + Meta.randomHex() } }
        } catch {
            try? pool.close()
            throw StoreOpenError.from(error, path: path, doing: "cannot be read")
        }
    }

    /// Opens an existing replica for reading only (racecli's read commands): one SQLite connection
    /// opened `SQLITE_OPEN_READONLY`, no pool, no writer, nothing written on close. A file that
    /// needs more than reading (one caught mid-checkpoint, or of an older schema, or without a
    /// node id yet) is opened as `init(path:create: false)` opens it instead, which recovers or
    /// migrates it.
    public static func reading(path: String) throws(StoreOpenError) -> ReplicaStore {
        if let connection = try StoreOpener.openReadOnly(path: path, kind: .replica) {
            if let nodeID = try? connection.read({ db in try Meta.get(db, "node_id") }) {
                return ReplicaStore(readOnly: connection, path: path, nodeID: nodeID)
            }
            try? connection.close()
        }
        return try ReplicaStore(path: path, create: false)
    }

    private init(readOnly connection: DatabaseQueue, path: String, nodeID: String) {
        pool = connection
        recovery = nil
        self.path = path
        self.nodeID = nodeID
        now = WallClock.nowMs
    }

    /// Closes the replica. Closing again does nothing; work asked of a closed replica fails with
    /// an error.
    public func close() throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let pool = pool as? DatabasePool {
            try StoreOpener.close(pool)
        } else {
            try pool.close()
        }
    }

    /// One write transaction; a full disk is reported as `StoreDiskFull` naming the file.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreDiskFull.naming(path) { try pool.write(body) }
    }

    /// Runs `body` outside a transaction (it opens its own); a full disk is `StoreDiskFull`.
    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreDiskFull.naming(path) { try pool.writeWithoutTransaction(body) }
    }

    /// The stored session, if `racecli login` ran.
    public func session() throws -> ReplicaSession? {
        try pool.read { db in try Self.session(db) }
    }

    static func session(_ db: Database) throws -> ReplicaSession? {
        guard let hub = try Meta.get(db, "hub"), let token = try Meta.get(db, "token"),
            let userJSON = try Meta.get(db, "user"),
            let user = try? WireJSON.decode(User.self, from: Data(userJSON.utf8))
        else { return nil }
        return ReplicaSession(hub: hub, token: token, user: user)
    }

    /// The pull cursor, if a snapshot was taken.
    public func cursor() throws -> String? {
        try pool.read { db in try Meta.get(db, "cursor") }
    }

    /// When the last sync round completed.
    public func lastSyncAt() throws -> Date? {
        try pool.read { db in try Meta.date(db, "last_sync_at") }
    }

    /// Records a completed sync round.
    public func markSynced() throws {
        try write { db in try Meta.setDate(db, "last_sync_at", Timestamp.date(milliseconds: now())) }
    }

    /// Why `login` refused.
    public enum LoginError: Error, CustomStringConvertible {
        case pendingOpsOfAnotherUser(current: String, pending: Int)

        public var description: String {
            switch self {
            case .pendingOpsOfAnotherUser(let current, let pending):
                return
                    "this replica belongs to \(current) and still has \(pending) pending op(s); run 'racecli sync' as \(current) first"
            }
        }
    }

    /// Stores a session and its first snapshot in one transaction. Logging in as another user
    /// starts the replica afresh, and is refused while ops of the previous user are pending.
    public func login(_ session: ReplicaSession, snapshot: [PullPage]) throws {
        try write { db in
            try Self.prepareLogin(db, session)
            for page in snapshot { try self.apply(db, page) }
            try Meta.setDate(db, "last_sync_at", Timestamp.date(milliseconds: now()))
        }
    }

    /// The first half of every login, inside its transaction: refuse another user while ops
    /// are pending (else start afresh for them), store the session, drop the confirmed state.
    static func prepareLogin(_ db: Database, _ session: ReplicaSession) throws {
        if let current = try Self.session(db), current.user.id != session.user.id {
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0
            if pending > 0 {
                throw LoginError.pendingOpsOfAnotherUser(current: current.user.twitchUsername, pending: pending)
            }
            try db.execute(sql: "DELETE FROM rejected; DELETE FROM overridden")
        }
        try Self.wipeConfirmedState(db)
        try Meta.set(db, "hub", session.hub)
        try Meta.set(db, "token", session.token)
        try Meta.set(db, "user", String(decoding: try WireJSON.encode(session.user), as: UTF8.self))
        try Meta.set(db, "cursor", nil)
    }

    static func wipeConfirmedState(_ db: Database) throws {
        try db.execute(
            sql:
                "DELETE FROM users; DELETE FROM races; DELETE FROM participants; DELETE FROM casters; DELETE FROM live_status;"
        )
    }

    /// The replica file's size in bytes (main file plus WAL).
    public func sizeInBytes() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
