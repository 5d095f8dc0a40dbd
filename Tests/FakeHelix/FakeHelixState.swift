public import Foundation
import Synchronization

/// The mutable state of the fake Helix server: who is live, issued tokens, injected
/// failures, and counters the tests read.
public final class FakeHelixState: Sendable {
    public struct Stream: Sendable {
        public var id: String
        public var login: String
        public var name: String
        public var title: String
        public var startedAt: String
        public var type: String
    }

    struct State {
        var streams: [String: Stream] = [:]
        var tokens: [String: Date] = [:]
        var tokenCounter = 0
        var tokenLifetime = 3600
        var failures: [(status: Int, resetIn: Int)] = []
        var pageCap = 100
        var streamsDelay: Duration = .zero
        var tokenRequests = 0
        var streamsRequests = 0
        var requestedLogins: [[String]] = []
        var requestTimes: [Date] = []
        var lastRateLimitReset = 0
        var unauthorizedAnswers = 0
        /// Twitch accounts `GET /users` knows, by login.
        var accounts: [String: Account] = [:]
        var usersRequests = 0
        /// EventSub webhook subscriptions, in creation order.
        var subscriptions: [Subscription] = []
        /// Statuses the next subscription calls answer instead (429, 503…).
        var subscriptionFailures: [Int] = []
        var subscriptionCalls: [String] = []
    }

    /// An EventSub webhook subscription as the fake keeps it.
    public struct Subscription: Sendable {
        public var id: String
        public var type: String
        public var broadcasterID: String
        public var callback: String
        public var secret: String
        public var status: String
    }

    /// A Twitch account as `GET /users` answers it.
    public struct Account: Sendable {
        public var id: String
        public var login: String
        public var displayName: String
        public var profileImageURL: String
    }

    let state = Mutex(State())
    public let clientID: String
    public let clientSecret: String

    public init(clientID: String = "fake-client-id", clientSecret: String = "fake-client-secret") {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// Puts `login` live with a stream session id and title.
    public func setLive(
        _ login: String, streamID: String? = nil, title: String = "Racing!", startedAt: String = "2026-11-26T04:00:00Z",
        type: String = "live"
    ) {
        state.withLock {
            $0.streams[login.lowercased()] = Stream(
                id: streamID ?? String(abs(login.hashValue) % 1_000_000_000), login: login.lowercased(),
                name: login.capitalized, title: title, startedAt: startedAt, type: type)
        }
    }

    public func setOffline(_ login: String) {
        state.withLock { _ = $0.streams.removeValue(forKey: login.lowercased()) }
    }

    /// The next `count` `/streams` requests answer `status` (429 carries a reset `resetIn` s ahead).
    public func fail(_ status: Int, count: Int = 1, resetIn: Int = 1) {
        state.withLock { $0.failures += Array(repeating: (status, resetIn), count: count) }
    }

    /// Every issued token stops working (Helix answers 401).
    public func revokeTokens() { state.withLock { $0.tokens.removeAll() } }

    /// At most this many streams per page, whatever `first` asks (Twitch may return fewer).
    public func capPages(at cap: Int) { state.withLock { $0.pageCap = cap } }

    /// `expires_in` of new tokens.
    public func tokenLifetime(seconds: Int) { state.withLock { $0.tokenLifetime = seconds } }

    /// Hold each `/streams` answer this long (to test shutdown during a poll).
    public func delayStreams(_ delay: Duration) { state.withLock { $0.streamsDelay = delay } }

    public var tokenRequests: Int { state.withLock { $0.tokenRequests } }
    public var streamsRequests: Int { state.withLock { $0.streamsRequests } }
    public var unauthorizedAnswers: Int { state.withLock { $0.unauthorizedAnswers } }
    /// The `user_login` lists of every `/streams` request, in order.
    public var requestedLogins: [[String]] { state.withLock { $0.requestedLogins } }
    /// When each `/streams` request arrived.
    public var requestTimes: [Date] { state.withLock { $0.requestTimes } }
    /// The `Ratelimit-Reset` (Unix seconds) of the last injected 429.
    public var lastRateLimitReset: Int { state.withLock { $0.lastRateLimitReset } }
}
