import SyncCore
import Foundation
import GRDB

/// Which feed: every active race, or one race.
public enum FeedScope: Sendable, Hashable {
    case all
    case race(UUID)
}

/// Builds a `LiveFeed` from the state tables, shared by the hub and replicas.
enum FeedSource {
    /// - Parameter casters: the present casters of a race (the hub's registers, or a replica's view).
    /// - Returns: nil when the scope names an unknown race.
    static func feed(_ db: Database, scope: FeedScope, baseURL: String, casters: PageQueries.CasterView) throws -> LiveFeed? {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let races: [Race]
        let feed: (id: String, title: String, subtitle: String, selfBase: String, alternate: String)
        switch scope {
        case .all:
            races = try PageQueries.activeRaces(db)
            feed = (FeedIDs.feed(race: nil), "RaceSync: live now", "Participants and casters of active races who are live on Twitch",
                    base + "/feeds/live", base + "/api/races")
        case .race(let id):
            guard let race = try StateQueries.race(db, id: id) else { return nil }
            races = race.status.isActive ? [race] : []
            feed = (FeedIDs.feed(race: id), "RaceSync: live now in \(race.name)", "Participants and casters of \(race.name) who are live on Twitch",
                    base + "/feeds/races/\(id.lowercased)/live", base + "/api/races/\(id.lowercased)")
        }
        let items = try PageQueries.liveMembers(db, in: races, casters: casters).map { member in
            let name = member.user.shownName
            return LiveFeedItem(
                id: FeedIDs.item(race: member.raceID, streamID: member.stream.streamID),
                title: "\(name) is live (\(member.role)) in \(member.raceName)",
                streamURL: TwitchURL.stream(login: member.user.twitchUsername), startedAt: member.stream.startedAt,
                streamTitle: member.stream.title, streamer: name)
        }
        return LiveFeed(id: feed.id, title: feed.title, subtitle: feed.subtitle, selfURLBase: feed.selfBase, alternateURL: feed.alternate, items: items)
    }
}

extension HubStore {
    /// The live-now feed of `scope` from the authoritative state; nil for an unknown race.
    public func liveFeed(_ scope: FeedScope, baseURL: String) throws -> LiveFeed? {
        try read { db in
            try FeedSource.feed(db, scope: scope, baseURL: baseURL, casters: Self.presentCasters)
        }
    }

    /// Ids of the setup/running races (feed export writes one folder each).
    public func activeRaceIDs() throws -> [UUID] {
        try read { db in try UUID.fetchAll(db, sql: "SELECT r.id FROM races r WHERE \(StateQueries.raceIsActive)") }
    }
}

extension ReplicaStore {
    /// The live-now feed rendered from the local view, with the hub URL as base.
    public func liveFeed(_ scope: FeedScope, baseURL: String) throws -> LiveFeed? {
        try pool.read { db in
            try FeedSource.feed(db, scope: scope, baseURL: baseURL) { db, race in try viewCasters(db, race: race).registers }
        }
    }
}
