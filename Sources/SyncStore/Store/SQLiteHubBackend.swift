public import Foundation
import GRDB
public import RaceService
public import SyncCore

/// The embedded hub database, one SQLite file (`HubStore`), as a `HubBackend`.
///
/// A write transaction spans several calls on the writer connection (`SQLiteHubTransaction`):
/// transactions take turns in the store's write lane, begin `IMMEDIATE` (another process
/// writing the file waits), and commit or roll back as one. Every call runs on GRDB's own
/// threads, off Swift's cooperative pool. Reads run on the pool's readers (WAL snapshots).
public struct SQLiteHubBackend: HubBackend {
    public let store: HubStore

    public init(_ store: HubStore) { self.store = store }

    public var storeID: String { store.storeID }
    public var changeSignal: ChangeSignal { store.changeSignal }
    public var clock: HubClock { store.clock }

    /// Runs `body` as one write transaction. It runs to its end even when the calling task is
    /// cancelled (a client that goes away never leaves a transaction half done). A write that
    /// fails for lack of disk space throws `StoreUnavailable` (503 with `Retry-After`) and marks
    /// the store unable to write until a write works again (see `HubStore.canWrite`).
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any HubTransaction) async throws -> T)
        async throws -> T
    {
        let store = self.store
        return try await Task { try await store.runTransaction(body) }.value
    }

    public func token(hash: Data) async throws -> (user: User, token: StoredToken)? {
        try await read { try $0.token(hash: hash) }
    }
    public func tokens(of user: UUID) async throws -> [StoredToken] { try await read { try $0.tokens(of: user) } }
    public func users() async throws -> [User] { try await read { try $0.users() } }
    public func users(loginPrefix prefix: String, limit: Int) async throws -> [User] {
        try await read { try $0.users(loginPrefix: prefix, limit: limit) }
    }
    public func session(hash: Data) async throws -> StoredSession? { try await read { try $0.session(hash: hash) } }
    public func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) async throws -> RaceListPage {
        try await read { try $0.raceSummaries(status: status, before: before, limit: limit) }
    }
    public func raceDetail(_ id: UUID) async throws -> RaceDetail? { try await read { try $0.raceDetail(id) } }
    public func pull(since: PullCursor?, limit: Int) async throws -> PullBatch {
        try await read { try $0.pull(since: since, limit: limit) }
    }
    public func writeSnapshot(to file: String) async throws -> PullCursor {
        try await read { try $0.writeSnapshot(to: file) }
    }
    public func liveFeed(_ scope: FeedScope, baseURL: String) async throws -> LiveFeed? {
        try await read { try $0.liveFeed(scope, baseURL: baseURL) }
    }
    public func activeRaceIDs() async throws -> [UUID] { try await read { try $0.activeRaceIDs() } }
    public func racePage(_ id: UUID) async throws -> RacePageData? { try await read { try $0.racePage(id) } }
    public func frontPage() async throws -> FrontPageData { try await read { try $0.frontPage() } }
    public func logHead() async throws -> PullCursor { try await read { try $0.logHead() } }
    public func pollTargets() async throws -> [String: UUID] { try await read { try $0.pollTargets() } }

    /// Unavailable while its disk is full (see `HubStore.canWrite`); the usual answer needs no
    /// store access (`/healthz` is a load balancer's hot path).
    public func isAvailable() async -> Bool {
        guard store.lastWriteFoundDiskFull else { return true }
        return await store.canWrite()
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (HubStore) throws -> T) async throws -> T {
        let store = self.store
        return try await Offload.hub.run { try body(store) }
    }
}

extension HubStore {
    /// The use cases of this store (`Hub`), on `SQLiteHubBackend`.
    public var hub: Hub { Hub(SQLiteHubBackend(self)) }

    /// One write transaction in the write lane (see `SQLiteHubBackend`).
    func runTransaction<T: Sendable>(_ body: @Sendable (SQLiteHubTransaction) async throws -> T) async throws -> T {
        await lane.acquire()
        let transaction = SQLiteHubTransaction(pool: pool)
        do {
            try await pool.writeWithoutTransaction { db in
                // A transaction a failed call could not roll back never outlives its turn.
                if db.isInsideTransaction { try db.rollback() }
                try db.beginTransaction(.immediate)
            }
            let value = try await body(transaction)
            try await pool.writeWithoutTransaction { db in try db.commit() }
            lane.release()
            diskFull.withLock { $0.full = false }
            if transaction.wakesReaders { changeSignal.notify() }
            return value
        } catch {
            try? await pool.writeWithoutTransaction { db in if db.isInsideTransaction { try db.rollback() } }
            lane.release()
            guard StoreFailure.classify(error, path: path) == .diskFull else { throw error }
            diskFull.withLock { $0.full = true }
            throw StoreUnavailable.diskFull(path: path)
        }
    }
}
