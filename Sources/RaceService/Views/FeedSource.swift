public import Foundation
public import SyncCore

/// Which feed: every active race, or one race.
public enum FeedScope: Sendable, Hashable {
    case all
    case race(UUID)
}

/// Builds a `LiveFeed` from any store's reads, shared by the hub (on either backend) and replicas.
public enum FeedSource {
    /// - Parameter casters: the present casters of a race (the hub's registers, or a replica's view).
    /// - Returns: nil when the scope names an unknown race.
    public static func feed(_ reader: some StateReader, scope: FeedScope, baseURL: String, casters: CasterView) throws
        -> LiveFeed?
    {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let races: [Race]
        let feed: (id: String, title: String, subtitle: String, selfBase: String, alternate: String)
        switch scope {
        case .all:
            races = try reader.activeRacesWithLiveCandidates()
            feed = (
                FeedIDs.feed(race: nil), "RaceSync: live now",
                "Participants and casters of active races who are live on Twitch",
                base + HubPaths.liveFeed(race: nil), base + HubPaths.races
            )
        case .race(let id):
            guard let race = try reader.race(id) else { return nil }
            races = race.status.isActive ? [race] : []
            feed = (
                FeedIDs.feed(race: id), "RaceSync: live now in \(race.name)",
                "Participants and casters of \(race.name) who are live on Twitch",
                base + HubPaths.liveFeed(race: id), base + HubPaths.race(id)
            )
        }
        let items = try PageViews.liveMembers(reader, in: races, casters: casters).map { member in
            let name = member.user.shownName
            return LiveFeedItem(
                id: FeedIDs.item(race: member.raceID, streamID: member.stream.streamID),
                title: "\(name) is live (\(member.role)) in \(member.raceName)",
                streamURL: TwitchURL.stream(login: member.user.twitchUsername), startedAt: member.stream.startedAt,
                streamTitle: member.stream.title, streamer: name)
        }
        return LiveFeed(
            id: feed.id, title: feed.title, subtitle: feed.subtitle, selfURLBase: feed.selfBase,
            alternateURL: feed.alternate, hubURL: base + HubPaths.webSub, items: items)
    }
}
