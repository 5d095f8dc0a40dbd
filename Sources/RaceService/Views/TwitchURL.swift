import Foundation

/// Links to Twitch.
public enum TwitchURL {
    /// `https://twitch.tv/<login>`.
    public static func stream(login: String) -> String { "https://twitch.tv/\(login)" }
}
