import RaceService
public import SyncCore

/// What the hub's routes use of Twitch, each optional: "Log in with Twitch", and EventSub's
/// webhook (its secret, and the lookup that fills in a new stream's title). The routes see only
/// these seams, never a Twitch client.
public struct TwitchHooks: Sendable {
    public var signIn: (any TwitchSignIn)?
    /// With a secret, `POST /twitch/eventsub` accepts Twitch's pushes; without, it is not served.
    public var eventSubSecret: EventSubSecret?
    public var streamLookup: (any StreamLookup)?

    public init(
        signIn: (any TwitchSignIn)? = nil, eventSubSecret: EventSubSecret? = nil,
        streamLookup: (any StreamLookup)? = nil
    ) {
        self.signIn = signIn
        self.eventSubSecret = eventSubSecret
        self.streamLookup = streamLookup
    }

    /// No Twitch at all.
    public static let none = TwitchHooks()
}
