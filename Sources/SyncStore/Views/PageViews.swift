import Foundation
import GRDB
import SyncCore

/// The views behind the web pages and feeds, shared by every store: each takes the store's
/// reads (`StateReader`) and its view of a race's casters (`CasterView`), so a page is one
/// consistent snapshot of whatever the reader reads from.
public enum PageViews {
    /// A race page; nil for an unknown race.
    public static func racePage(_ reader: some StateReader, id: UUID, pending: Set<UUID>? = nil, casters: CasterView)
        throws -> RacePageData?
    {
        guard let race = try reader.race(id) else { return nil }
        let detail = try RaceDetailView.build(reader, race: race, casters: try casters(id), pending: pending)
        let members = detail.participants.map(\.user.id) + detail.casters.map(\.user.id)
        // Members of races that are not active are not polled and show no stream.
        let streams = race.status.isActive ? try reader.liveStreams(users: members) : [:]
        return RacePageData(detail: detail, streams: streams)
    }

    /// The front page from the newest races of each active status (each list newest first).
    public static func frontPage(_ reader: some StateReader, newest lists: [[RaceSummary]], casters: CasterView) throws
        -> FrontPageData
    {
        let newest = lists.joined().sorted { $0.createdAt > $1.createdAt }.prefix(FrontPageData.maxRaces)
        return FrontPageData(
            races: Array(newest),
            live: try liveMembers(reader, in: try reader.activeRacesWithLiveCandidates(), casters: casters))
    }

    /// Live participants and casters of `races`, by race name, then login (the one home of
    /// this loop: pages and feeds).
    public static func liveMembers(_ reader: some StateReader, in races: [Race], casters: CasterView) throws
        -> [LiveMember]
    {
        // Every stream still in the live set was seen live by the last successful poll.
        let lastPoll = try reader.lastPoll()
        var members: [LiveMember] = []
        for race in races {
            let participants = try reader.participants(race: race.id)
            let streams = try reader.liveStreams(users: Array(participants) + casters(race.id).keys)
            let users = try reader.users(Array(streams.keys))
            for (userID, seen) in streams {
                guard let user = users[userID] else { continue }
                var stream = seen
                if let lastPoll, lastPoll > stream.observedAt { stream.observedAt = lastPoll }
                members.append(
                    LiveMember(
                        raceID: race.id, raceName: race.name,
                        role: participants.contains(userID) ? "participant" : "caster",
                        user: user, stream: stream))
            }
        }
        return members.sorted {
            ($0.raceName, $0.user.twitchUsername, $0.raceID.lowercased) < (
                $1.raceName, $1.user.twitchUsername, $1.raceID.lowercased
            )
        }
    }
}

extension HubStore {
    /// The hub's present casters of a race.
    static func presentCasters(_ db: Database, race: UUID) throws -> [UUID: CasterRegister] {
        try StateQueries.registers(db, race: race).filter { $0.value.present }
    }

    /// A race page from the authoritative state; nil for an unknown race.
    public func racePage(_ id: UUID) throws -> RacePageData? {
        try read { db in
            try PageViews.racePage(SQLiteStateReader(db: db), id: id) { try Self.presentCasters(db, race: $0) }
        }
    }

    /// The front page from the authoritative state.
    public func frontPage() throws -> FrontPageData {
        try read { db in
            try PageViews.frontPage(SQLiteStateReader(db: db), newest: try RaceListing.newestActive(db)) {
                try Self.presentCasters(db, race: $0)
            }
        }
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
            return try PageViews.racePage(SQLiteStateReader(db: db, pendingOps: true), id: id, pending: view.pending) {
                _ in view.registers
            }
        }
    }

    /// The front page from the local view.
    public func frontPage() throws -> FrontPageData {
        try pool.read { db in
            try PageViews.frontPage(
                SQLiteStateReader(db: db, pendingOps: true), newest: try RaceListing.newestActive(db)
            ) { try viewCasters(db, race: $0).registers }
        }
    }
}
