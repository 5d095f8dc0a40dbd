public import Foundation

/// What Twitch says about an account (Helix `GET /users`): its stable id, display name and
/// profile image. The hub records it for the users it polls, refreshed when stale.
public struct TwitchProfile: Sendable, Equatable {
    public var userID: String
    /// The lowercase login.
    public var login: String
    public var displayName: String?
    /// The profile image, kept only when it is an https URL of reasonable length.
    public var avatarURL: String?

    public init(userID: String, login: String, displayName: String?, avatarURL: String?) {
        self.userID = userID
        self.login = login.lowercased()
        self.displayName = displayName
        self.avatarURL = avatarURL.flatMap(Self.acceptedAvatar)
    }

    /// `url` when it is an absolute https URL of at most 512 bytes without spaces or quotes; else nil.
    public static func acceptedAvatar(_ url: String) -> String? {
        guard url.hasPrefix("https://"), url.utf8.count <= 512,
            !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0 == "\"" || $0 == "'" || $0.value >= 0x7F })
        else { return nil }
        return url
    }
}
