import Foundation
public import SyncCore

/// The Twitch app access token (client-credentials grant): fetched on first use, cached,
/// renewed 60 s before it expires or right after Helix refuses it. Concurrent callers share
/// one renewal, so there are never two token requests at once.
public actor AppTokenProvider {
    private let config: TwitchConfig
    private let transport: any TwitchTransport
    private let now: @Sendable () -> Int64
    private let observer: any TwitchObserver
    private var cached: (token: String, expiresAtMs: Int64)?
    private var renewal: Task<String, any Error>?
    /// Renew this long before expiry.
    public static let renewMarginMs: Int64 = 60_000
    /// The longest token lifetime believed (a year); longer claims are clamped to it.
    static let longestLifetimeSeconds: Int64 = 365 * 86_400

    public init(
        config: TwitchConfig, transport: any TwitchTransport, now: @escaping @Sendable () -> Int64 = WallClock.nowMs,
        observer: any TwitchObserver = NoTwitchObserver()
    ) {
        self.config = config
        self.transport = transport
        self.now = now
        self.observer = observer
    }

    /// A valid token, renewing when needed.
    public func token() async throws -> String {
        if let cached, now() < cached.expiresAtMs - Self.renewMarginMs { return cached.token }
        return try await renew()
    }

    /// Drops `token` after Helix refused it (a newer one is kept) and returns a fresh one.
    public func refresh(after rejected: String) async throws -> String {
        if let cached, cached.token != rejected { return cached.token }
        cached = nil
        return try await renew()
    }

    private func renew() async throws -> String {
        if let renewal { return try await renewal.value }
        let task = Task { try await self.fetch() }
        renewal = task
        defer { renewal = nil }
        let token = try await task.value
        return token
    }

    private func fetch() async throws -> String {
        let form = [
            ("client_id", config.clientID), ("client_secret", config.clientSecret),
            ("grant_type", "client_credentials"),
        ]
        .map { "\($0)=\(Self.formEscape($1))" }.joined(separator: "&")
        let response = try await transport.send(
            method: .POST, url: config.authURL + "/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Data(form.utf8), timeout: .seconds(10))
        guard response.status == 200 else {
            throw TwitchError.http(status: response.status, what: "the app token request")
        }
        struct TokenReply: Decodable {
            var access_token: String
            var expires_in: Int64
        }
        guard let reply = try? JSONDecoder().decode(TokenReply.self, from: response.body), !reply.access_token.isEmpty
        else {
            throw TwitchError.badResponse("the token endpoint's answer has no access_token/expires_in")
        }
        // Twitch grants about 60 days; a misconfigured endpoint may send anything: clamp, never trap.
        let lifetimeMs = min(max(reply.expires_in, 0), Self.longestLifetimeSeconds) * 1000
        cached = (reply.access_token, now() + lifetimeMs)
        observer.tokenRenewed()
        return reply.access_token
    }

    static func formEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
