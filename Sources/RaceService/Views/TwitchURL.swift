import Foundation

/// Links to Twitch.
public enum TwitchURL {
    /// `https://twitch.tv/<login>`.
    public static func stream(login: String) -> String { "https://twitch.tv/\(login)" }
    /// Where Twitch serves profile images (the pages' Content-Security-Policy allows it for images).
    public static let avatarHost = "https://static-cdn.jtvnw.net"
}
