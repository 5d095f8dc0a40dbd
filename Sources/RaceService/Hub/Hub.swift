public import Foundation
public import SyncCore

/// The hub's use cases, each written once for every database: what the REST routes, the sync
/// routes, the Twitch poller and `syncd user` do to the store. Each loads its facts through a
/// `HubTransaction`, decides with the core's rules and writes what they decided; reads go
/// straight to the backend.
public struct Hub: Sendable {
    /// The database behind the hub.
    public let backend: any HubBackend

    public init(_ backend: any HubBackend) { self.backend = backend }

    /// Identifies this store and log epoch in pull cursors.
    public var storeID: String { backend.storeID }
    /// Wakes long-polls, feed caches, page streams and the feed export after commits.
    public var changeSignal: ChangeSignal { backend.changeSignal }
    /// The hub clock's last stamp.
    public var currentHLC: HLC { backend.clock.last }

    // MARK: Reads

    /// Every user, by login (never tokens).
    public func users() async throws -> [User] { try await backend.users() }

    /// At most `limit` users whose login starts with `prefix` (lowercase), by login: the
    /// organizer's caster search.
    public func users(loginPrefix prefix: String, limit: Int) async throws -> [User] {
        try await backend.users(loginPrefix: prefix, limit: limit)
    }

    public func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) async throws -> RaceListPage {
        try await backend.raceSummaries(status: status, before: before, limit: limit)
    }

    public func raceDetail(_ id: UUID) async throws -> RaceDetail? { try await backend.raceDetail(id) }

    /// The change log after `since` (nil: from the start).
    public func pull(since: PullCursor?, limit: Int) async throws -> PullBatch {
        try await backend.pull(since: since, limit: limit)
    }

    /// A replica-format SQLite file of the replicated state, and the cursor it is valid at.
    public func writeSnapshot(to file: String) async throws -> PullCursor { try await backend.writeSnapshot(to: file) }

    /// The live-now feed of `scope`; nil for an unknown race.
    public func liveFeed(_ scope: FeedScope, baseURL: String) async throws -> LiveFeed? {
        try await backend.liveFeed(scope, baseURL: baseURL)
    }

    /// Ids of the setup/running races.
    public func activeRaceIDs() async throws -> [UUID] { try await backend.activeRaceIDs() }

    /// A race page; nil for an unknown race.
    public func racePage(_ id: UUID) async throws -> RacePageData? { try await backend.racePage(id) }

    /// The front page: active races and who is live in them.
    public func frontPage() async throws -> FrontPageData { try await backend.frontPage() }

    /// The cursor of the newest change: web pages resume their event streams from it.
    public func logHead() async throws -> PullCursor { try await backend.logHead() }

    /// Whether the store answers now (`/healthz`).
    public func isAvailable() async -> Bool { await backend.isAvailable() }
}
