public import Foundation
public import SyncCore

/// What a race page shows: the race with its members, and the stream of every member who is
/// live (its title and start), read in one consistent snapshot of a store.
public struct RacePageData: Sendable, Equatable {
    public var detail: RaceDetail
    /// Keyed by user id; only members who are live.
    public var streams: [UUID: LiveStream]

    public init(detail: RaceDetail, streams: [UUID: LiveStream]) {
        self.detail = detail
        self.streams = streams
    }
}

/// A participant or caster of an active race who is live right now.
public struct LiveMember: Sendable, Equatable {
    public var raceID: UUID
    public var raceName: String
    public var role: MemberRole
    public var user: User
    public var stream: LiveStream

    public init(raceID: UUID, raceName: String, role: MemberRole, user: User, stream: LiveStream) {
        self.raceID = raceID
        self.raceName = raceName
        self.role = role
        self.user = user
        self.stream = stream
    }
}

/// What the front page shows: the active races, newest first, and who is live in them.
public struct FrontPageData: Sendable, Equatable {
    public var races: [RaceSummary]
    /// Sorted by race name, then login.
    public var live: [LiveMember]

    /// The front page lists at most this many active races (the newest).
    public static let maxRaces = 200

    public init(races: [RaceSummary], live: [LiveMember]) {
        self.races = races
        self.live = live
    }
}
