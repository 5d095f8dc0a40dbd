public import Foundation
public import Logging
public import RaceService
public import SyncCore
import Synchronization

/// The hub as a WebSub hub of its own feeds (W3C WebSub Recommendation): it takes
/// subscription requests (`WebSubRoutes`), verifies the subscriber's intent in the background
/// (`runVerifications`, on every instance), and delivers each new rendering of a topic to its
/// verified subscribers (`runDeliveries`, on the leader). Subscriptions live in the store, so any
/// instance takes them and any leader delivers them.
public final class WebSubHub: Sendable {
    let store: Hub
    let feeds: FeedCache
    let transport: any WebSubTransport
    let addresses: CallbackAddresses
    public let policy: WebSubPolicy
    /// Well-formed requests per client, like sign-in attempts (10, then one every 6 s): each may
    /// make the hub resolve a name and call out.
    let requests: SignInLimiter
    let logger: Logger
    private let queue: AsyncStream<WebSubRequest>
    private let intake: AsyncStream<WebSubRequest>.Continuation
    private let pending = Mutex<[String: Int]>([:])
    /// Topics of stored subscriptions found not to be feeds of this hub (warned about once).
    let foreignTopics = Mutex<Set<String>>([])
    /// The deliverer's copy of the subscriptions (see `deliverOnce`).
    let known = Mutex(KnownSubscriptions())

    /// The subscriptions as last read, when, and whether this hub changed them since.
    struct KnownSubscriptions {
        var subscriptions: [WebSubSubscription] = []
        var readAtMs: Int64 = 0
        var stale = true
    }

    public convenience init(
        store: Hub, feeds: FeedCache, transport: any WebSubTransport, addresses: CallbackAddresses,
        policy: WebSubPolicy = WebSubPolicy(), logger: Logger
    ) {
        self.init(
            store: store, feeds: feeds, transport: transport, addresses: addresses, policy: policy,
            requests: SignInLimiter(), logger: logger)
    }

    /// A hub whose per-client request limit reads the time from `requests` (tests freeze it).
    init(
        store: Hub, feeds: FeedCache, transport: any WebSubTransport, addresses: CallbackAddresses,
        policy: WebSubPolicy, requests: SignInLimiter, logger: Logger
    ) {
        self.requests = requests
        self.store = store
        self.feeds = feeds
        self.transport = transport
        self.addresses = addresses
        self.policy = policy
        self.logger = logger
        (queue, intake) = AsyncStream.makeStream(of: WebSubRequest.self, bufferingPolicy: .unbounded)
    }

    /// The `Link` header of a feed (`topic`) on the hub whose public URL is `baseURL`: its WebSub
    /// hub and itself. Feed responses and deliveries both carry it.
    static func linkHeader(topic: String, baseURL: String) -> String {
        "<\(HubServer.publicAddress(baseURL, HubPaths.webSub))>; rel=\"hub\", <\(topic)>; rel=\"self\""
    }

    /// The deliverer's copy of the subscriptions is out of date (this hub just changed one).
    func subscriptionsChanged() { known.withLock { $0.stale = true } }

    // MARK: Verification of intent

    /// Queues a checked request for verification; false when too many are waiting (in all, or
    /// for this callback host).
    func enqueue(_ request: WebSubRequest) -> Bool {
        let admitted = pending.withLock { pending -> Bool in
            let total = pending.values.reduce(0, +)
            guard total < policy.maxPending, pending[request.callbackHost, default: 0] < policy.maxPendingPerHost
            else { return false }
            pending[request.callbackHost, default: 0] += 1
            return true
        }
        if admitted { intake.yield(request) }
        return admitted
    }

    /// Verifies queued requests, a few at a time, until cancelled.
    public func runVerifications() async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await request in queue {
                if running >= 8, await group.next() != nil { running -= 1 }
                group.addTask { [self] in
                    await verify(request)
                    pending.withLock { pending in
                        pending[request.callbackHost, default: 1] -= 1
                        if pending[request.callbackHost] == 0 { pending[request.callbackHost] = nil }
                    }
                }
                running += 1
            }
        }
    }

    /// Stops taking requests; `runVerifications` returns once the queued ones are done.
    public func finishVerifications() { intake.finish() }

    /// Asks the callback to confirm the request (a `GET` with `hub.challenge`, WebSub §5.3), and
    /// applies it when the callback echoes the challenge with a 2xx.
    func verify(_ request: WebSubRequest) async {
        let challenge = Base64URL.random(byteCount: 24)
        let lease = policy.lease(requested: request.requestedLease)
        var query = [("hub.mode", request.mode.rawValue), ("hub.topic", request.topic), ("hub.challenge", challenge)]
        if request.mode == .subscribe { query.append(("hub.lease_seconds", String(lease))) }
        let url = Self.appending(query, to: request.callback)
        let context: Logger.Metadata = [
            "mode": "\(request.mode.rawValue)", "topic": "\(request.topic)", "callback_host": "\(request.callbackHost)",
        ]
        do {
            let answer = try await transport.send(WebSubOutbound(method: .get, url: url))
            guard (200..<300).contains(answer.status), answer.body == challenge else {
                logger.info(
                    "websub intent not verified: the callback did not echo the challenge",
                    metadata: context.merging(["status": "\(answer.status)"]) { $1 })
                return
            }
            switch request.mode {
            case .subscribe:
                guard let feed = try await feeds.get(request.scope, request.format) else { return }
                try await store.addWebSubSubscription(request, currentETag: feed.etag, policy: policy)
                subscriptionsChanged()
                logger.info("websub subscription verified", metadata: context.merging(["lease_s": "\(lease)"]) { $1 })
            case .unsubscribe:
                try await store.removeWebSubSubscription(topic: request.topic, callback: request.callback)
                subscriptionsChanged()
                logger.info("websub subscription ended", metadata: context)
            }
        } catch {
            logger.info(
                "websub intent not verified",
                metadata: context.merging(["error": "\(String(describing: error))"]) { $1 })
        }
    }

    /// `url` with `query` appended (percent-encoded, after any query it has).
    static func appending(_ query: [(String, String)], to url: String) -> String {
        // RFC 3986's unreserved characters (ASCII only: `alphanumerics` would keep any letter).
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = query.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        return url + (url.contains("?") ? "&" : "?") + encoded
    }
}
