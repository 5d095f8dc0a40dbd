public import Foundation

/// A RaceSync user, identified by a UUID and a Twitch login.
public struct User: Codable, Hashable, Sendable {
    public var id: UUID
    public var twitchUsername: String
    public var twitchDisplayName: String?

    public init(id: UUID, twitchUsername: String, twitchDisplayName: String?) {
        self.id = id
        self.twitchUsername = twitchUsername
        self.twitchDisplayName = twitchDisplayName
    }

    /// The name shown to people: the display name, else the login.
    public var shownName: String { twitchDisplayName ?? twitchUsername }

    /// The longest display name, in Unicode code points.
    public static let maxDisplayNameLength = 100

    /// Validates a display name: 1–100 code points after trimming spaces, no control character.
    public static func validatedDisplayName(_ raw: String) -> Result<String, DisplayText.Invalid> {
        DisplayText.validated(raw, max: maxDisplayNameLength)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case twitchUsername = "twitch_username"
        case twitchDisplayName = "twitch_display_name"
    }

    /// Encodes `twitch_display_name` as `null` when absent, as the contract's shape requires.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeID(id, forKey: .id)
        try container.encode(twitchUsername, forKey: .twitchUsername)
        try container.encode(twitchDisplayName, forKey: .twitchDisplayName)
    }
}
