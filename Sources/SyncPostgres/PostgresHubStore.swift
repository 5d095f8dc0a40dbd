import Foundation
public import Logging
import PostgresNIO
public import RaceService
public import SyncCore
import Synchronization

/// The hub store on PostgreSQL: a `HubBackend` like the SQLite store, for any number of hub
/// instances sharing one database.
///
/// Ordering: every write transaction first locks the single `log_head` row (`FOR UPDATE`), so
/// writes that append to the change log commit one after another, in the order of the `seq`s
/// they hand out. A reader's snapshot therefore always holds a prefix of the log, and `seq >
/// cursor` never skips a change that commits late (see docs/scale-out.md). The same lock makes
/// the merge's read-decide-write safe without `SERIALIZABLE`, makes one `op_id` pushed to two
/// instances at once apply once, and carries the hub clock between instances (`log_head` keeps
/// its last stamp).
///
/// Wake-ups: a write that changed what readers see sends `NOTIFY racesync_changes` in its
/// transaction; every instance's `PostgresChangeListener` turns it into `changeSignal.notify()`.
public final class PostgresHubStore: HubBackend, Sendable {
    /// The channel of change notifications.
    static let channel = "racesync_changes"

    /// The connection pool, on the server that fits the URL (it moves after a failover).
    let pool: PostgresPool
    /// The pool requests use now.
    var client: PostgresClient { pool.client }
    public let url: PostgresURL
    public let storeID: String
    public let changeSignal = ChangeSignal()
    /// The hub clock, shared by every instance through the log head (see `transaction`).
    public let clock: HubClock
    let logger: Logger
    /// Whether the last statement reached the database (`/healthz` asks again when it did not).
    let reachable = Atomic<Bool>(true)
    /// Whether a call is finding out if the database is back (see `guarded`).
    let probing = Atomic<Bool>(false)
    /// How long one store call may take before it is answered `StoreUnavailable`.
    let timeout: Duration
    /// Test hook: runs inside every log-appending write transaction, after its appends and
    /// before its commit (the ordering test makes writers dawdle there).
    let beforeCommit: (@Sendable () async -> Void)?
    /// Writes the replica-format snapshot files (`writeSnapshot`); SQLite's, handed in by the hub.
    let snapshotFiles: (any SnapshotFileWriter)?

    /// Connects, applies missing migrations (under an advisory lock, so instances starting
    /// together do not race) and reads the store id. Throws `StoreUnavailable` when that has
    /// not succeeded within `openTimeout`. Afterwards each call may take at most `timeout`.
    public static func open(
        _ url: PostgresURL, maxConnections: Int = 16, timeout: Duration = .seconds(5),
        openTimeout: Duration = .seconds(60), logger: Logger,
        now: @escaping @Sendable () -> Int64 = WallClock.nowMs, snapshotFiles: (any SnapshotFileWriter)? = nil,
        beforeCommit: (@Sendable () async -> Void)? = nil
    ) async throws -> PostgresHubStore {
        guard url.targetSession.canWrite else {
            throw PostgresFailure.Unexpected(
                description:
                    "target_session_attrs=\(url.targetSession.rawValue) cannot write; the hub needs read-write, primary or any"
            )
        }
        let server = try await checkReachable(url, within: openTimeout, logger: logger)
        let pool = PostgresPool(url: url, server: server, maxConnections: maxConnections, logger: logger)
        let client = pool.client
        do {
            let storeID = try await Deadline.run(openTimeout) {
                try await PostgresSchema.migrate(client, logger: logger)
                let rows = try await client.query("SELECT value FROM meta WHERE key = 'store_id'", logger: logger)
                for try await id in rows.decode(String.self) { return id }
                throw StoreUnavailable("the store has no id (meta.store_id)")
            }
            if url.servers.count > 1, let warning = try await replicationWarning(client, logger: logger) {
                logger.warning("\(warning)")
            }
            return PostgresHubStore(
                pool: pool, url: url, storeID: storeID, timeout: timeout, logger: logger,
                now: now, snapshotFiles: snapshotFiles, beforeCommit: beforeCommit)
        } catch {
            pool.close()
            throw PostgresFailure.classify(error) ?? PostgresFailure.reported(error)
        }
    }

    /// With several servers the operator means to fail over; an acknowledged write survives that
    /// only when the primary waits for a synchronous standby. Says so when it does not.
    static func replicationWarning(_ client: PostgresClient, logger: Logger) async throws -> String? {
        let rows = try await client.query(
            "SELECT current_setting('synchronous_standby_names'), current_setting('synchronous_commit')",
            logger: logger)
        for try await (names, commit) in rows.decode((String, String).self) {
            if names.isEmpty {
                return
                    "the primary has no synchronous standby (synchronous_standby_names is empty): after a failover the last acknowledged writes may be lost; see docs/scale-out.md"
            }
            if commit == "off" || commit == "local" {
                return
                    "synchronous_commit=\(commit): commits do not wait for the synchronous standby, so a failover may lose acknowledged writes; see docs/scale-out.md"
            }
        }
        return nil
    }

    /// One connection first, so that a wrong address, user or database name fails at once with
    /// the server's reason (the pool would keep retrying until the deadline); with several
    /// servers, the first that fits `target_session_attrs`. A server that is starting up, or no
    /// server fitting yet (a failover under way), is waited for, up to `within`. Answers the
    /// server found (nil: the socket).
    static func checkReachable(_ url: PostgresURL, within limit: Duration, logger: Logger) async throws
        -> PostgresServer?
    {
        let start = ContinuousClock.now
        while true {
            do {
                return try await PostgresServerChoice.find(url, logger: logger)
            } catch {
                let waitable = PostgresFailure.isStartingUp(error) || error is StoreUnavailable
                if !waitable || ContinuousClock.now - start > limit {
                    throw PostgresFailure.reported(error, connecting: url)
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    private init(
        pool: PostgresPool, url: PostgresURL, storeID: String, timeout: Duration,
        logger: Logger,
        now: @escaping @Sendable () -> Int64, snapshotFiles: (any SnapshotFileWriter)?,
        beforeCommit: (@Sendable () async -> Void)?
    ) {
        self.pool = pool
        self.url = url
        self.storeID = storeID
        self.timeout = timeout
        self.logger = logger
        self.beforeCommit = beforeCommit
        self.snapshotFiles = snapshotFiles
        self.clock = HubClock(now: now)
    }

    /// Closes the connection pool.
    public func close() {
        pool.close()
    }

    /// The use cases of this store (`Hub`).
    public var hub: Hub { Hub(self) }

    public func isAvailable() async -> Bool {
        if reachable.load(ordering: .relaxed) { return true }
        do {
            _ = try await guarded { [client, logger] in try await client.query("SELECT 1", logger: logger) }
            return true
        } catch {
            return false
        }
    }

    // MARK: Running statements

    /// Runs `body` within the store's deadline, retries it on a serialization failure or a
    /// deadlock, and turns a lost or unreachable database into `StoreUnavailable`.
    ///
    /// While the database is known to be away, one call at a time goes to it (and finds out,
    /// within 2 s, whether it is back); every other call is answered `StoreUnavailable` at once.
    /// So an outage under load neither holds requests for long nor piles up work waiting for
    /// the pool: clients retry anyway.
    func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let known = reachable.load(ordering: .relaxed)
        if !known {
            guard probing.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
                throw StoreUnavailable("the database is unreachable; another request is checking whether it is back")
            }
        }
        defer { if !known { probing.store(false, ordering: .releasing) } }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let value = try await Deadline.run(known ? timeout : min(timeout, .seconds(2)), body)
                reachable.store(true, ordering: .relaxed)
                return value
            } catch {
                if PostgresFailure.isRetryable(error), attempt < 4 { continue }
                if let unavailable = PostgresFailure.classify(error) {
                    reachable.store(false, ordering: .relaxed)
                    logger.warning("store unavailable", metadata: ["reason": "\(unavailable.reason)"])
                    // With several servers, a standby may have been promoted: look for it meanwhile.
                    if url.servers.count > 1 { Task { [pool] in await pool.follow() } }
                    throw unavailable
                }
                throw PostgresFailure.reported(error)
            }
        }
    }

    /// A read-only transaction on one snapshot (`REPEATABLE READ`): every query of `body` sees
    /// the same state.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await guarded { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                return try await body(connection)
            }
        }
    }

    /// A write transaction: locks the log head first (see the type's doc), seeds the clock from
    /// it, runs `body`, appends what `body` logged with consecutive seqs, stores the head and
    /// the clock, and notifies every instance at commit when the log grew with changes readers
    /// see (`HubTransaction.appendLog`).
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any HubTransaction) async throws -> T)
        async throws -> T
    {
        let (value, wakes) = try await guarded { [self] in
            try await client.withTransaction(logger: logger) { connection -> (T, Bool) in
                let (seq, wallMs, counter) =
                    try await connection.rows(Statements.LockHead(), logger: logger).first ?? (0, 0, 0)
                // Another instance's later stamps move this clock past them (one clock for all).
                let shared = HLC(wallMs: wallMs, counter: UInt16(clamping: counter), node: HubClock.nodeName)
                if shared > clock.last { clock.observe(shared) }
                let transaction = PostgresHubTransaction(connection: connection, logger: logger, head: seq)
                let value = try await body(transaction)
                let last = clock.last
                let log = transaction.log.withLock { $0 }
                try await log.flush(connection, logger: logger)
                let wakes = !log.isEmpty && log.wakesReaders
                let (head, wall, stamp) = (log.lastSeq, last.wallMs, Int32(last.counter))
                if wakes {
                    try await connection.run(
                        Statements.StoreHeadAndNotify(seq: head, wall: wall, counter: stamp), logger: logger)
                } else {
                    try await connection.run(
                        Statements.StoreHead(seq: head, wall: wall, counter: stamp), logger: logger)
                }
                if !log.isEmpty, let beforeCommit { await beforeCommit() }
                return (value, wakes)
            }
        }
        if wakes { changeSignal.notify() }
        return value
    }
}
