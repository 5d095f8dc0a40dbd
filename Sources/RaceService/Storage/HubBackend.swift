public import Foundation
public import SyncCore

/// A hub database: write transactions (`HubTransaction`) for the use cases, and the reads the
/// routes, feeds and pages make. SQLite (`SQLiteHubBackend`) and PostgreSQL (`PostgresHubStore`)
/// implement it with SQL only; what changes state, and why, lives once in `Hub`.
///
/// Every write is one transaction, durable before `transaction` returns; `changeSignal` is
/// notified after every commit that changed what a pull, a feed or a page shows.
public protocol HubBackend: Sendable {
    /// Identifies this store and log epoch in pull cursors.
    var storeID: String { get }
    /// Wakes long-polls, feed caches, page streams and the feed export after commits.
    var changeSignal: ChangeSignal { get }
    /// The hub's clock.
    var clock: HubClock { get }

    /// Runs `body` as one write transaction: it commits when `body` returns and rolls back
    /// when `body` throws. Transactions never nest.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any HubTransaction) async throws -> T)
        async throws -> T

    /// The token that hashes to `hash`, and its user; nil when there is none.
    func token(hash: Data) async throws -> (user: User, token: StoredToken)?
    /// `user`'s API tokens, newest first.
    func tokens(of user: UUID) async throws -> [StoredToken]
    /// Every user, by login (never tokens).
    func users() async throws -> [User]
    /// At most `limit` users whose login starts with `prefix` (lowercase), by login.
    func users(loginPrefix prefix: String, limit: Int) async throws -> [User]
    /// The session whose id hashes to `hash`, ended or not; nil when there is none.
    func session(hash: Data) async throws -> StoredSession?
    /// A page of the race list, newest first: at most `limit` races after `before`.
    func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) async throws -> RaceListPage
    func raceDetail(_ id: UUID) async throws -> RaceDetail?
    /// The change log after `since` (nil: from the start).
    func pull(since: PullCursor?, limit: Int) async throws -> PullBatch
    /// A replica-format SQLite file of the replicated state, and the cursor it is valid at.
    func writeSnapshot(to file: String) async throws -> PullCursor
    /// The live-now feed of `scope`; nil for an unknown race.
    func liveFeed(_ scope: FeedScope, baseURL: String) async throws -> LiveFeed?
    /// Ids of the setup/running races.
    func activeRaceIDs() async throws -> [UUID]
    /// A race page (the race, its members and their streams); nil for an unknown race.
    func racePage(_ id: UUID) async throws -> RacePageData?
    /// The front page: active races and who is live in them.
    func frontPage() async throws -> FrontPageData
    /// The cursor of the newest change.
    func logHead() async throws -> PullCursor
    /// Lowercase logins (and ids) of the participants and casters of setup/running races.
    func pollTargets() async throws -> [String: UUID]
    /// Whether the store answers now (`/healthz`): quick, never waits long.
    func isAvailable() async -> Bool
}
