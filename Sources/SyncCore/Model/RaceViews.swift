public import Foundation

/// A race with its organizer and members: the `RaceDetail` shape of the contract.
public struct RaceDetail: Codable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var status: RaceStatus
    public var seedsReleased: Bool
    public var organizer: User
    public var participants: [Member]
    public var casters: [Member]
    public var createdAt: Date
    public var updatedAt: Date

    public init(race: Race, organizer: User, participants: [Member], casters: [Member]) {
        self.id = race.id
        self.name = race.name
        self.status = race.status
        self.seedsReleased = race.seedsReleased
        self.organizer = organizer
        self.participants = participants.sorted { $0.user.twitchUsername < $1.user.twitchUsername }
        self.casters = casters.sorted { $0.user.twitchUsername < $1.user.twitchUsername }
        self.createdAt = race.createdAt
        self.updatedAt = race.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, organizer, participants, casters
        case seedsReleased = "seeds_released"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(seedsReleased, forKey: .seedsReleased)
        try c.encode(organizer, forKey: .organizer)
        try c.encode(participants, forKey: .participants)
        try c.encode(casters, forKey: .casters)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// A line of the race list: the `RaceSummary` shape of the contract.
public struct RaceSummary: Codable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var status: RaceStatus
    public var organizer: User
    public var participantCount: Int
    public var casterCount: Int
    public var createdAt: Date

    public init(
        id: UUID, name: String, status: RaceStatus, organizer: User,
        participantCount: Int, casterCount: Int, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.organizer = organizer
        self.participantCount = participantCount
        self.casterCount = casterCount
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, organizer
        case participantCount = "participant_count"
        case casterCount = "caster_count"
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(organizer, forKey: .organizer)
        try c.encode(participantCount, forKey: .participantCount)
        try c.encode(casterCount, forKey: .casterCount)
        try c.encode(createdAt, forKey: .createdAt)
    }
}
