public import Foundation

/// A Twitch account, as a completed "Log in with Twitch" proves it.
public struct TwitchAccount: Sendable, Equatable {
    /// Twitch's stable user id (a login can be renamed; this cannot).
    public var userID: String
    /// The lowercase login.
    public var login: String
    public var displayName: String?

    public init(userID: String, login: String, displayName: String?) {
        self.userID = userID
        self.login = login
        self.displayName = displayName
    }
}

/// Why a sign-in with Twitch did not complete; each is a page for the person, never a session.
public enum TwitchSignInError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Twitch refused the code (expired, used, for another redirect URI) with its message.
    case refused(String)
    /// Twitch could not be reached or answered with an error of its own.
    case unavailable(String)
    /// Twitch answered something a sign-in cannot use.
    case badAnswer(String)

    public var description: String {
        switch self {
        case .refused(let why): "Twitch did not accept this sign-in: \(why)"
        case .unavailable(let why): "Twitch cannot be reached right now (\(why)); try again in a minute"
        case .badAnswer(let why): "Twitch answered something unexpected (\(why))"
        }
    }
}

/// The OAuth 2.0 authorization code flow with Twitch, as the hub's sign-in sees it: where to
/// send the browser, and the account a returned code belongs to. `SyncTwitch` implements it
/// over HTTP; the hub's routes see only this.
public protocol TwitchSignIn: Sendable {
    /// Twitch's `/authorize` address for `state`, returning to `redirectURI`.
    func authorizeURL(state: String, redirectURI: String) -> String
    /// Exchanges `code` (given for `redirectURI`) and returns the account that signed in.
    func account(code: String, redirectURI: String) async throws(TwitchSignInError) -> TwitchAccount
}
