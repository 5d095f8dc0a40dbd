public import Foundation

/// The hub's API paths: the one place the hub's routes, its client (the node) and the links
/// in feeds spell them. Route patterns name their parameters `:race_id` and `:caster_id`.
public enum HubPaths {
    public static let me = "/api/me"
    public static let users = "/api/users"
    public static let races = "/api/races"
    public static let push = "/api/sync/push"
    public static let pull = "/api/sync/pull"
    public static let snapshot = "/api/sync/snapshot"
    /// The device login (RFC 8628): a device asks for codes, then polls for its token.
    public static let deviceCode = "/api/device/code"
    public static let deviceToken = "/api/device/token"
    /// Twitch's EventSub webhook.
    public static let eventSub = "/twitch/eventsub"
    /// A race's public WebSocket is `webSocketRaces/<race id>`.
    public static let webSocketRaces = "/ws/races"
    /// The hub as a WebSub hub of its own feeds.
    public static let webSub = "/websub"

    /// A live feed's path without its extension (`.atom`, `.rss`, `.json`): every active race's
    /// feed, or one race's.
    public static func liveFeed(race: UUID?) -> String {
        race.map { "/feeds/races/\($0.lowercased)/live" } ?? "/feeds/live"
    }

    /// The route pattern of one race and of what hangs under it (`race("cast-join")`).
    public static let racePattern = races + "/:race_id"
    public static func racePattern(_ action: String) -> String { racePattern + "/" + action }
    public static let casterPattern = racePattern + "/casters/:caster_id"
    public static let participantPattern = racePattern + "/participants/:participant_id"

    /// The path of race `id`.
    public static func race(_ id: UUID) -> String { races + "/" + id.lowercased }
}
