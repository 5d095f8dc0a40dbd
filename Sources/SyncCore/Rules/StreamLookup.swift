public import Foundation

/// Asks Twitch about one broadcaster's stream now: what a `stream.online` push does not carry
/// (the title). The hub's webhook sees this seam; SyncTwitch implements it over Helix.
public protocol StreamLookup: Sendable {
    /// The live stream of `login`, or nil when Twitch says they are not live.
    func liveStream(login: String, observedAt: Date) async throws -> LiveStream?
}
