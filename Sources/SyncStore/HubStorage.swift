import Foundation
import SyncCore

/// Everything the hub's HTTP layer needs of its store: the seam where a second backend
/// (PostgreSQL) sits beside SQLite without touching a route. Every write is one transaction;
/// every answer of `push` is durable before it returns; `changeSignal` is notified after every
/// commit that changed what a pull, a feed or a page shows.
public protocol HubStorage: Sendable {
    /// Identifies this store and log epoch in pull cursors.
    var storeID: String { get }
    /// Wakes long-polls, feed caches and the feed export after commits.
    var changeSignal: ChangeSignal { get }

    /// The user a bearer token belongs to, or nil.
    func user(token: String) throws -> User?

    func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) throws -> RaceListPage
    func raceDetail(_ id: UUID) throws -> RaceDetail?
    func createRace(name: String, organizer: UUID) throws -> RaceDetail
    func addParticipant(race id: UUID, caller: UUID, login: String) throws -> RaceDetail
    func transition(_ step: RaceRules.Transition, race id: UUID, caller: UUID) throws -> RaceDetail
    func castJoin(race id: UUID, caller: UUID) throws -> RaceDetail
    func castLeave(race id: UUID, caller: UUID) throws -> RaceDetail
    func addCaster(race id: UUID, caller: UUID, login: String) throws -> RaceDetail
    func removeCaster(race id: UUID, caller: UUID, casterID: UUID) throws -> RaceDetail

    /// Merges a pushed batch: one result per op, in order, all durable.
    func push(_ ops: [Op], caller: UUID) throws -> PushResponse
    /// The change log after `since` (nil: from the start).
    func pull(since: PullCursor?, limit: Int) throws -> PullBatch
    /// A replica-format SQLite file of the replicated state, and the cursor it is valid at.
    func writeSnapshot(to file: String) throws -> PullCursor

    /// The live-now feed of `scope`; nil for an unknown race.
    func liveFeed(_ scope: FeedScope, baseURL: String) throws -> LiveFeed?
    /// Ids of the setup/running races.
    func activeRaceIDs() throws -> [UUID]

    /// A race page (the race, its members and their streams); nil for an unknown race.
    func racePage(_ id: UUID) throws -> RacePageData?
    /// The front page: active races and who is live in them.
    func frontPage() throws -> FrontPageData
    /// The cursor of the newest change: web pages resume their event streams from it.
    func logHead() throws -> PullCursor
}

/// The embedded backend: one SQLite file.
extension HubStore: HubStorage {}
