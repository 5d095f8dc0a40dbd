import Foundation
public import RaceService
import SyncCore

/// Everything the front page shows: active races, who is live in them, the feeds.
public struct FrontPageModel: Sendable, Equatable {
    public struct RaceLine: Sendable, Equatable {
        public var link: String
        public var name: String
        public var status: String
        public var statusLabel: String
        public var organizer: String
        public var participantCount: Int
        public var casterCount: Int
    }

    public struct LiveLine: Sendable, Equatable {
        public var name: String
        public var login: String
        public var role: String
        public var streamURL: String
        public var streamTitle: String
        public var liveSince: String
        public var raceLink: String
        public var raceName: String
    }

    public var races: [RaceLine]
    public var live: [LiveLine]
    public var hasRaces: Bool
    public var hasLive: Bool
    public var feedAtom: String
    public var feedJSON: String
    public var feedRSS: String
    public var eventsURL: String
    public var notices: [Notice]
    public var offline: OfflineNotice?
    /// The logged-in user's name on a node.
    public var you: String?
    /// The hub's account links (nil on the node).
    public var account: AccountBar?
    public var title = "Live now — RaceSync"

    public init(_ data: FrontPageData, viewer: Viewer? = nil, feedBase: String = "", since: String) {
        races = data.races.map { race in
            RaceLine(
                link: "/races/\(race.id.lowercased)", name: race.name, status: race.status.rawValue,
                statusLabel: race.status.label,
                organizer: race.organizer.shownName,
                participantCount: race.participantCount, casterCount: race.casterCount)
        }
        live = data.live.map { member in
            LiveLine(
                name: member.user.shownName, login: member.user.twitchUsername,
                role: member.role.rawValue, streamURL: TwitchURL.stream(login: member.user.twitchUsername),
                streamTitle: member.stream.title,
                liveSince: "live since \(WebTime.clock(member.stream.startedAt)) UTC",
                raceLink: "/races/\(member.raceID.lowercased)", raceName: member.raceName)
        }
        hasRaces = !races.isEmpty
        hasLive = !live.isEmpty
        feedAtom = "\(feedBase)/feeds/live.atom"
        feedJSON = "\(feedBase)/feeds/live.json"
        feedRSS = "\(feedBase)/feeds/live.rss"
        eventsURL = "/events?since=\(PagePaths.queryEscaped(since))"
        notices = viewer?.notices ?? []
        offline = viewer?.offline
        you = viewer.map { $0.user.shownName }
    }

    public var summary: PageSummary {
        PageSummary(
            status: nil, live: Set(live.map { "\($0.name) in \($0.raceName)" }), casters: [], participants: [],
            races: Set(races.map(\.name)))
    }
}
