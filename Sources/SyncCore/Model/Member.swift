public import Foundation

/// A participant or caster of a race, as the API shows it.
public struct Member: Codable, Hashable, Sendable {
    public var id: UUID
    public var user: User
    public var isLive: Bool
    public var streamURL: String?
    /// Only in `racecli race --json`: the membership comes from a local op not yet confirmed by the hub.
    public var pending: Bool?
    /// Casters: who last wrote the register (the caster, or the organizer for them), if known.
    public var changedBy: User?
    /// Casters: when the register was last written (its HLC's wall time).
    public var changedAt: Date?

    public init(
        id: UUID, user: User, isLive: Bool, streamURL: String?, pending: Bool? = nil, changedBy: User? = nil,
        changedAt: Date? = nil
    ) {
        self.id = id
        self.user = user
        self.isLive = isLive
        self.streamURL = streamURL
        self.pending = pending
        self.changedBy = changedBy
        self.changedAt = changedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, user, pending
        case isLive = "is_live"
        case streamURL = "stream_url"
        case changedBy = "changed_by"
        case changedAt = "changed_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeID(id, forKey: .id)
        try container.encode(user, forKey: .user)
        try container.encode(isLive, forKey: .isLive)
        try container.encode(streamURL, forKey: .streamURL)
        try container.encode(changedBy, forKey: .changedBy)
        try container.encode(changedAt, forKey: .changedAt)
        try container.encodeIfPresent(pending, forKey: .pending)
    }
}
