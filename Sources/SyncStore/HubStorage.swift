import Foundation
import SyncCore

/// Everything the hub's HTTP layer needs of its store: the seam where a second backend
/// (PostgreSQL) sits beside SQLite without touching a route. Async throughout: a backend does
/// its I/O without blocking the caller's thread (SQLite through `Offload`, a network database
/// natively). Every write is one transaction; every answer of `push` is durable before it
/// returns; `changeSignal` is notified after every commit that changed what a pull, a feed or
/// a page shows.
public protocol HubStorage: Sendable {
    /// Identifies this store and log epoch in pull cursors.
    var storeID: String { get }
    /// Wakes long-polls, feed caches, page streams and the feed export after commits.
    var changeSignal: ChangeSignal { get }

    /// The user a bearer token belongs to, or nil.
    func user(token: String) async throws -> User?

    func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) async throws -> RaceListPage
    func raceDetail(_ id: UUID) async throws -> RaceDetail?
    func createRace(name: String, organizer: UUID) async throws -> RaceDetail
    func addParticipant(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail
    func transition(_ step: RaceRules.Transition, race id: UUID, caller: UUID) async throws -> RaceDetail
    func castJoin(race id: UUID, caller: UUID) async throws -> RaceDetail
    func castLeave(race id: UUID, caller: UUID) async throws -> RaceDetail
    func addCaster(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail
    func removeCaster(race id: UUID, caller: UUID, casterID: UUID) async throws -> RaceDetail

    /// Merges a pushed batch: one result per op, in order, all durable.
    func push(_ ops: [Op], caller: UUID) async throws -> PushResponse
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
    /// The cursor of the newest change: web pages resume their event streams from it.
    func logHead() async throws -> PullCursor

    /// Whether the store answers now (`/healthz`): quick, never waits long.
    func isAvailable() async -> Bool
}

extension HubStorage {
    /// An embedded store is available while the process runs.
    public func isAvailable() async -> Bool { true }
}

/// The embedded backend, one SQLite file (`HubStore`), with its blocking calls run off the
/// cooperative pool (`Offload.hub`).
public struct SQLiteHubStorage: HubStorage {
    public let store: HubStore

    public init(_ store: HubStore) { self.store = store }

    public var storeID: String { store.storeID }
    public var changeSignal: ChangeSignal { store.changeSignal }

    private func run<T: Sendable>(_ body: @escaping @Sendable (HubStore) throws -> T) async throws -> T {
        let store = self.store
        return try await Offload.hub.run { try body(store) }
    }

    public func user(token: String) async throws -> User? { try await run { try $0.user(token: token) } }
    public func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) async throws -> RaceListPage {
        try await run { try $0.raceSummaries(status: status, before: before, limit: limit) }
    }
    public func raceDetail(_ id: UUID) async throws -> RaceDetail? { try await run { try $0.raceDetail(id) } }
    public func createRace(name: String, organizer: UUID) async throws -> RaceDetail {
        try await run { try $0.createRace(name: name, organizer: organizer) }
    }
    public func addParticipant(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail {
        try await run { try $0.addParticipant(race: id, caller: caller, login: login) }
    }
    public func transition(_ step: RaceRules.Transition, race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await run { try $0.transition(step, race: id, caller: caller) }
    }
    public func castJoin(race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await run { try $0.castJoin(race: id, caller: caller) }
    }
    public func castLeave(race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await run { try $0.castLeave(race: id, caller: caller) }
    }
    public func addCaster(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail {
        try await run { try $0.addCaster(race: id, caller: caller, login: login) }
    }
    public func removeCaster(race id: UUID, caller: UUID, casterID: UUID) async throws -> RaceDetail {
        try await run { try $0.removeCaster(race: id, caller: caller, casterID: casterID) }
    }
    public func push(_ ops: [Op], caller: UUID) async throws -> PushResponse {
        try await run { try $0.push(ops, caller: caller) }
    }
    public func pull(since: PullCursor?, limit: Int) async throws -> PullBatch {
        try await run { try $0.pull(since: since, limit: limit) }
    }
    public func writeSnapshot(to file: String) async throws -> PullCursor {
        try await run { try $0.writeSnapshot(to: file) }
    }
    public func liveFeed(_ scope: FeedScope, baseURL: String) async throws -> LiveFeed? {
        try await run { try $0.liveFeed(scope, baseURL: baseURL) }
    }
    public func activeRaceIDs() async throws -> [UUID] { try await run { try $0.activeRaceIDs() } }
    public func racePage(_ id: UUID) async throws -> RacePageData? { try await run { try $0.racePage(id) } }
    public func frontPage() async throws -> FrontPageData { try await run { try $0.frontPage() } }
    public func logHead() async throws -> PullCursor { try await run { try $0.logHead() } }
    /// Unavailable while its disk is full (see `HubStore.canWrite`); the usual answer needs no
    /// store thread (`/healthz` is a load balancer's hot path).
    public func isAvailable() async -> Bool {
        guard store.lastWriteFoundDiskFull else { return true }
        return (try? await run { $0.canWrite() }) ?? false
    }
}

extension SQLiteHubStorage: LiveStatusStore {
    public func pollTargets() async throws -> [String: UUID] { try await run { try $0.pollTargets() } }
    @discardableResult
    public func recordPoll(seen: [UUID: LiveStream], at date: Date) async throws -> [LiveState] {
        try await run { try $0.recordPoll(seen: seen, at: date) }
    }
}
