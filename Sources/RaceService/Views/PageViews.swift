public import Foundation
public import SyncCore

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
                        role: participants.contains(userID) ? .participant : .caster,
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
