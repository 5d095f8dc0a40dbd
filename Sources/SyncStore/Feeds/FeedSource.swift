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
    static func feed(_ db: Database, scope: FeedScope, baseURL: String, casters: (Database, UUID) throws -> [UUID]) throws -> LiveFeed? {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let races: [Race]
        let feed: (id: String, title: String, subtitle: String, selfBase: String, alternate: String)
        switch scope {
        case .all:
            races = try Row.fetchAll(db, sql: "SELECT \(StateQueries.raceColumns) FROM races r WHERE \(StateQueries.raceIsActive)").map { try StateQueries.race($0) }
            feed = (FeedIDs.feed(race: nil), "RaceSync: live now", "Participants and casters of active races who are live on Twitch",
                    base + "/feeds/live", base + "/api/races")
        case .race(let id):
            guard let race = try StateQueries.race(db, id: id) else { return nil }
            races = race.status.isActive ? [race] : []
            feed = (FeedIDs.feed(race: id), "RaceSync: live now in \(race.name)", "Participants and casters of \(race.name) who are live on Twitch",
                    base + "/feeds/races/\(id.lowercased)/live", base + "/api/races/\(id.lowercased)")
        }
        var items: [LiveFeedItem] = []
        for race in races {
            let participants = try StateQueries.participants(db, race: race.id)
            let members = Array(participants) + (try casters(db, race.id)).filter { !participants.contains($0) }
            for (userID, stream) in try StateQueries.liveStreams(db, users: members) {
                guard let user = try StateQueries.user(db, id: userID) else { continue }
                let name = user.twitchDisplayName ?? user.twitchUsername
                let role = participants.contains(userID) ? "participant" : "caster"
                items.append(LiveFeedItem(
                    id: FeedIDs.item(race: race.id, streamID: stream.streamID),
                    title: "\(name) is live (\(role)) in \(race.name)",
                    streamURL: TwitchURL.stream(login: user.twitchUsername), startedAt: stream.startedAt,
                    streamTitle: stream.title, streamer: name))
            }
        }
        return LiveFeed(id: feed.id, title: feed.title, subtitle: feed.subtitle, selfURLBase: feed.selfBase, alternateURL: feed.alternate, items: items)
    }
}

extension HubStore {
    /// The live-now feed of `scope` from the authoritative state; nil for an unknown race.
    public func liveFeed(_ scope: FeedScope, baseURL: String) throws -> LiveFeed? {
        try read { db in
            try FeedSource.feed(db, scope: scope, baseURL: baseURL) { db, race in
                try Self.presentCasters(db, race: race).map(\.key)
            }
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
            try FeedSource.feed(db, scope: scope, baseURL: baseURL) { db, race in try viewCasters(db, race: race).present }
        }
    }
}
