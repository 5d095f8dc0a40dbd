import Foundation
import GRDB
import SyncCore

/// The reads behind the web pages, shared by the hub and replicas. Each takes the store's view
/// of a race's casters (the hub's registers, or a replica's registers with pending ops on top)
/// and reads in the caller's transaction, so a page is one consistent snapshot.
enum PageQueries {
    typealias CasterView = (Database, UUID) throws -> [UUID: CasterRegister]

    /// A race page; nil for an unknown race.
    static func racePage(_ db: Database, id: UUID, pending: Set<UUID>? = nil, casters: CasterView) throws -> RacePageData? {
        guard let race = try StateQueries.race(db, id: id) else { return nil }
        let detail = try StateQueries.detail(db, race: race, casters: try casters(db, id), pending: pending)
        let members = detail.participants.map(\.user.id) + detail.casters.map(\.user.id)
        // Members of races that are not active are not polled and show no stream.
        let streams = race.status.isActive ? try StateQueries.liveStreams(db, users: members) : [:]
        return RacePageData(detail: detail, streams: streams)
    }

    /// The front page: the newest active races and who is live in them.
    static func frontPage(_ db: Database, casters: CasterView) throws -> FrontPageData {
        let limit = FrontPageData.maxRaces
        let active = try RaceStatus.allCases.filter(\.isActive).flatMap { status in
            try RaceListing.page(db, status: status, before: nil, limit: limit).races
        }
        let newest = active.sorted { $0.createdAt > $1.createdAt }.prefix(limit)
        return FrontPageData(races: Array(newest), live: try liveMembers(db, casters: casters))
    }

    /// Live participants and casters of active races, by race name, then login.
    static func liveMembers(_ db: Database, casters: CasterView) throws -> [LiveMember] {
        try liveMembers(db, in: try activeRaces(db), casters: casters)
    }

    /// The setup/running races.
    static func activeRaces(_ db: Database) throws -> [Race] {
        try Row.fetchAll(db, sql: "SELECT \(StateQueries.raceColumns) FROM races r WHERE \(StateQueries.raceIsActive)").map { try StateQueries.race($0) }
    }

    /// Live participants and casters of `races` (the one home of this loop: pages and feeds).
    static func liveMembers(_ db: Database, in races: [Race], casters: CasterView) throws -> [LiveMember] {
        // Every stream still in the live set was seen live by the last successful poll.
        let lastPoll = try Meta.date(db, "last_poll_at")
        var members: [LiveMember] = []
        for race in races {
            let participants = try StateQueries.participants(db, race: race.id)
            let present = try casters(db, race.id).keys
            for (userID, seen) in try StateQueries.liveStreams(db, users: Array(participants) + present) {
                guard let user = try StateQueries.user(db, id: userID) else { continue }
                var stream = seen
                if let lastPoll, lastPoll > stream.observedAt { stream.observedAt = lastPoll }
                members.append(LiveMember(
                    raceID: race.id, raceName: race.name, role: participants.contains(userID) ? "participant" : "caster",
                    user: user, stream: stream))
            }
        }
        return members.sorted { ($0.raceName, $0.user.twitchUsername, $0.raceID.lowercased) < ($1.raceName, $1.user.twitchUsername, $1.raceID.lowercased) }
    }
}

extension HubStore {
    /// The hub's present casters of a race.
    static func presentCasters(_ db: Database, race: UUID) throws -> [UUID: CasterRegister] {
        try StateQueries.registers(db, race: race).filter { $0.value.present }
    }

    /// A race page from the authoritative state; nil for an unknown race.
    public func racePage(_ id: UUID) throws -> RacePageData? {
        try read { db in try PageQueries.racePage(db, id: id, casters: Self.presentCasters) }
    }

    /// The front page from the authoritative state.
    public func frontPage() throws -> FrontPageData {
        try read { db in try PageQueries.frontPage(db, casters: Self.presentCasters) }
    }

    /// The cursor of the newest change in the log: where a reader that has seen everything is.
    public func logHead() throws -> PullCursor {
        try read { db in PullCursor(storeID: storeID, seq: try ChangeLog.lastSeq(db)) }
    }
}

extension ReplicaStore {
    /// A race page from the local view (pending ops on top, members marked `pending`).
    public func racePage(_ id: UUID) throws -> RacePageData? {
        try pool.read { db in
            let view = try viewCasters(db, race: id)
            return try PageQueries.racePage(db, id: id, pending: view.pending) { _, _ in view.registers }
        }
    }

    /// The front page from the local view.
    public func frontPage() throws -> FrontPageData {
        try pool.read { db in try PageQueries.frontPage(db) { db, race in try viewCasters(db, race: race).registers } }
    }
}
