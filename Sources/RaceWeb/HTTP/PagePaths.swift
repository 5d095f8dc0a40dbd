public import Foundation

/// The web pages' paths, shared by the hub's and the node's page routes and the view models
/// that link to them.
public enum PagePaths {
    public static let front = "/"
    public static let login = "/login"
    public static let logout = "/logout"
    public static let newRace = "/races/new"
    public static let twitchSignIn = "/auth/twitch"
    public static let twitchCallback = "/auth/twitch/callback"
    public static let tokens = "/settings/tokens"
    /// The device login's verification page (RFC 8628).
    public static let device = "/device"
    public static let revokeTokenPattern = tokens + "/:token_id/revoke"
    /// The form action that revokes token `id`.
    public static func revokeToken(_ id: UUID) -> String { tokens + "/" + id.lowercased + "/revoke" }
    public static let removeCasterPattern = racePattern + "/casters/:caster_id/remove"
    public static let removeParticipantPattern = racePattern + "/participants/:participant_id/remove"
    public static let frontEvents = "/events"
    public static let racePattern = "/races/:race_id"
    public static let raceEventsPattern = racePattern + "/events"
    public static func racePattern(_ action: String) -> String { racePattern + "/" + action }

    /// `text` as a query value: every byte but ASCII letters, digits and `-._~` (and `/` when
    /// `keepingSlashes`, so a path reads as one) percent-encoded.
    public static func queryEscaped(_ text: String, keepingSlashes: Bool = false) -> String {
        let kept = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~" + (keepingSlashes ? "/" : "")
        return text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: kept)) ?? ""
    }

    /// The page of race `id`.
    public static func race(_ id: UUID) -> String { "/races/" + id.lowercased }
    /// The event stream of race `id`'s page.
    public static func raceEvents(_ id: UUID) -> String { race(id) + "/events" }
    public static let raceOverlayPattern = racePattern + "/overlay"
    public static func raceOverlay(_ id: UUID) -> String { race(id) + "/overlay" }
    /// A form action of race `id`'s page (`cast-join`, `cast-leave`).
    public static func raceAction(_ id: UUID, _ action: String) -> String { race(id) + "/" + action }
}
