public import Foundation
import SyncCore

/// Where and how the hub talks to Twitch, from the environment.
public struct TwitchConfig: Sendable, Equatable {
    public var clientID: String
    public var clientSecret: String
    /// Helix base, default `https://api.twitch.tv/helix`.
    public var apiURL: String
    /// OAuth base, default `https://id.twitch.tv/oauth2`.
    public var authURL: String

    public init(
        clientID: String, clientSecret: String, apiURL: String = "https://api.twitch.tv/helix",
        authURL: String = "https://id.twitch.tv/oauth2"
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.authURL = authURL.hasSuffix("/") ? String(authURL.dropLast()) : authURL
    }

    /// The configuration when `TWITCH_CLIENT_ID` and `TWITCH_CLIENT_SECRET` are both set, else nil.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> TwitchConfig? {
        guard let id = env["TWITCH_CLIENT_ID"], !id.isEmpty, let secret = env["TWITCH_CLIENT_SECRET"], !secret.isEmpty
        else { return nil }
        return TwitchConfig(
            clientID: id, clientSecret: secret,
            apiURL: env["TWITCH_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.twitch.tv/helix",
            authURL: env["TWITCH_AUTH_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://id.twitch.tv/oauth2")
    }
}

/// What a Twitch call can fail with. Never carries the client secret or a token.
public enum TwitchError: Error, CustomStringConvertible, Equatable {
    case unreachable(String)
    case http(status: Int, what: String)
    case badResponse(String)
    case rateLimited(resetIn: Int)

    public var description: String {
        switch self {
        case .unreachable(let why): return "Twitch unreachable: \(why)"
        case .http(let status, let what): return "Twitch answered \(status) to \(what)"
        case .badResponse(let why): return "unexpected Twitch response: \(why)"
        case .rateLimited(let reset): return "Twitch rate limit hit; reset in \(reset) s, longer than we wait"
        }
    }
}

/// Counters and gauges the Twitch code reports (the hub puts them on `/metrics`).
public protocol TwitchObserver: Sendable {
    func helixRequest(status: Int)
    func tokenRenewed()
    func rateLimitRemaining(_ remaining: Int)
    func pollSucceeded(liveStreams: Int, at: Date)
    func pollFailed()
}

/// An observer that ignores everything.
public struct NoTwitchObserver: TwitchObserver {
    public init() {}
    public func helixRequest(status: Int) {}
    public func tokenRenewed() {}
    public func rateLimitRemaining(_ remaining: Int) {}
    public func pollSucceeded(liveStreams: Int, at: Date) {}
    public func pollFailed() {}
}
