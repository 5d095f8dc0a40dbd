public import Foundation

/// A RaceSync user, identified by a UUID and a Twitch login.
public struct User: Codable, Hashable, Sendable {
    public var id: UUID
    public var twitchUsername: String
    public var twitchDisplayName: String?
    /// Twitch's id of the account, once Twitch told us (a sign-in, or the poll's `GET /users`).
    public var twitchUserID: String?
    /// The account's profile image, once Twitch told us.
    public var avatarURL: String?

    public init(
        id: UUID, twitchUsername: String, twitchDisplayName: String?, twitchUserID: String? = nil,
        avatarURL: String? = nil
    ) {
        self.id = id
        self.twitchUsername = twitchUsername
        self.twitchDisplayName = twitchDisplayName
        self.twitchUserID = twitchUserID
        self.avatarURL = avatarURL
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
        case twitchUserID = "twitch_user_id"
        case avatarURL = "avatar_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        twitchUsername = try container.decode(String.self, forKey: .twitchUsername)
        twitchDisplayName = try container.decodeIfPresent(String.self, forKey: .twitchDisplayName)
        twitchUserID = try container.decodeIfPresent(String.self, forKey: .twitchUserID)
        avatarURL = try container.decodeIfPresent(String.self, forKey: .avatarURL)
    }

    /// Encodes the optional fields as `null` when absent, as the contract's shape requires.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeID(id, forKey: .id)
        try container.encode(twitchUsername, forKey: .twitchUsername)
        try container.encode(twitchDisplayName, forKey: .twitchDisplayName)
        try container.encode(twitchUserID, forKey: .twitchUserID)
        try container.encode(avatarURL, forKey: .avatarURL)
    }
}
