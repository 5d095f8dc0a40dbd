import Crypto
import Foundation
import HTTPTypes
import Logging
import RaceService
import SyncCore
import SyncTwitch
import Testing

@testable import HubHTTP

/// The hub as a WebSub hub, end to end over loopback: a real subscriber server is verified,
/// receives signed deliveries of the feed's new bytes, unsubscribes; leases end; a failing
/// subscriber is retried on schedule then dropped; callbacks on private addresses are refused
/// unless allowed; caps and malformed requests are answered before anything is called.
@Suite struct WebSubRouteTests {
    static let topic = "http://hub.test/feeds/live.atom"

    /// A WebSub hub over the harness's store and feeds, with its real outbound client.
    /// A WebSub hub whose per-client request limit sees no time pass (a slow run refills nothing).
    static func webSub(_ hub: HubHarness, policy: WebSubPolicy = WebSubPolicy(), allowPrivate: Bool = true)
        -> (WebSubHub, WebSubHTTPTransport)
    {
        let frozen = ContinuousClock.now
        var logger = Logger(label: "websub-test")
        logger.logLevel = .warning
        let transport = WebSubHTTPTransport(addresses: CallbackAddresses(allowPrivate: allowPrivate))
        let webSub = WebSubHub(
            store: hub.storage, feeds: hub.feeds, transport: transport, addresses: transport.addresses,
            policy: policy, requests: SignInLimiter(now: { frozen }), logger: logger)
        return (webSub, transport)
    }

    static func form(_ fields: [String: String]) -> String {
        fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&")
    }

    static func post(_ c: HubHarness.Client, _ fields: [String: String]) async throws -> HubHarness.Client.Reply {
        try await c.call(
            .post, "/websub", raw: form(fields), headers: [.contentType: "application/x-www-form-urlencoded"])
    }

    /// Waits (up to 2 s) until the store holds `count` subscriptions (verification runs in the background).
    static func subscriptions(_ hub: HubHarness, become count: Int) async throws -> Bool {
        for _ in 0..<100 {
            if try await hub.storage.activeWebSubSubscriptions().active.count == count { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func hmac(_ secret: String, _ body: String) -> String {
        "sha256="
            + Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8))))
            .map { String(format: "%02x", $0) }.joined()
    }

    func live(_ hub: HubHarness, _ login: String, stream: String) async throws {
        try await hub.storage.recordPoll(
            seen: [
                hub.ids[login]!: LiveStream(
                    streamID: stream, title: "Racing \(stream)", startedAt: Date(), observedAt: Date())
            ], at: Date())
    }

    @Test func aVerifiedSubscriberGetsSignedDeliveriesUntilItUnsubscribes() async throws {
        let hub = try await HubHarness()
        let subscriber = try await TestSubscriber()
        let (webSub, transport) = Self.webSub(hub)
        let verifying = Task { await webSub.runVerifications() }
        let delivering = Task { await webSub.runDeliveries() }
        try await hub.run(webSub: webSub) { c in
            let race = try await c.race()
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            // Discovery: the feed names its hub and itself, in the body and the Link header.
            let feed = try await c.call(.get, "/feeds/live.atom")
            #expect(feed.text.contains("<link rel=\"hub\" href=\"http://hub.test/websub\"/>"))
            #expect(feed.headers[.link] == "<http://hub.test/websub>; rel=\"hub\", <\(Self.topic)>; rel=\"self\"")

            let accepted = try await Self.post(
                c,
                [
                    "hub.mode": "subscribe", "hub.topic": Self.topic, "hub.callback": subscriber.callback,
                    "hub.secret": "a subscriber's secret",
                ])
            #expect(accepted.status == 202)
            #expect(try await subscriber.wait { $0.verifications.count == 1 })
            let query = try #require(subscriber.verifications.first?.query)
            #expect(query["hub.mode"] == "subscribe" && query["hub.topic"] == Self.topic)
            #expect(query["hub.lease_seconds"] == "864000" && (query["hub.challenge"]?.count ?? 0) >= 32)
            #expect(try await subscriber.wait { _ in true })
            #expect(try await Self.subscriptions(hub, become: 1))
            #expect(subscriber.deliveries.isEmpty)  // nothing changed since it subscribed

            // A change of the feed's bytes is delivered, signed, with the Link header (how soon:
            // `racesync-bench --only eventsub`; tests do not time).
            try await live(hub, "alice", stream: "1")
            #expect(try await subscriber.wait(seconds: 10) { $0.deliveries.count == 1 })
            let delivery = try #require(subscriber.deliveries.first)
            #expect(delivery.body == (try await c.call(.get, "/feeds/live.atom")).text)
            #expect(delivery.body.contains("Racing 1"))
            #expect(delivery.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(delivery.headers[.link] == "<http://hub.test/websub>; rel=\"hub\", <\(Self.topic)>; rel=\"self\"")
            #expect(
                delivery.headers[HTTPField.Name("X-Hub-Signature")!]
                    == Self.hmac("a subscriber's secret", delivery.body))

            // Unsubscribing is verified too; then changes are no longer delivered.
            let gone = try await Self.post(
                c, ["hub.mode": "unsubscribe", "hub.topic": Self.topic, "hub.callback": subscriber.callback])
            #expect(gone.status == 202)
            #expect(try await subscriber.wait { $0.verifications.count == 2 })
            #expect(subscriber.verifications[1].query["hub.mode"] == "unsubscribe")
            #expect(try await Self.subscriptions(hub, become: 0))
            try await live(hub, "alice", stream: "2")
            try await Task.sleep(for: .milliseconds(500))
            #expect(subscriber.deliveries.count == 1)
        }
        verifying.cancel()
        delivering.cancel()
        webSub.finishVerifications()
        try await transport.shutdown()
    }

    @Test func aCallbackThatDoesNotEchoTheChallengeOrRedirectsIsNotSubscribed() async throws {
        let hub = try await HubHarness()
        let subscriber = try await TestSubscriber()
        subscriber.update { $0.echoChallenge = false }
        let (webSub, transport) = Self.webSub(hub)
        let verifying = Task { await webSub.runVerifications() }
        try await hub.run(webSub: webSub) { c in
            let reply = try await Self.post(
                c, ["hub.mode": "subscribe", "hub.topic": Self.topic, "hub.callback": subscriber.callback])
            #expect(reply.status == 202)
            #expect(try await subscriber.wait { $0.verifications.count == 1 })
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await hub.storage.activeWebSubSubscriptions().active.isEmpty)

            // A callback that redirects is not followed (it would echo the challenge at /cb).
            subscriber.update { $0.echoChallenge = true }
            let redirected = try await Self.post(
                c,
                [
                    "hub.mode": "subscribe", "hub.topic": Self.topic,
                    "hub.callback": "http://127.0.0.1:\(subscriber.port)/redirect",
                ])
            #expect(redirected.status == 202)
            try await Task.sleep(for: .milliseconds(500))
            #expect(subscriber.verifications.count == 1)
            #expect(try await hub.storage.activeWebSubSubscriptions().active.isEmpty)
        }
        verifying.cancel()
        webSub.finishVerifications()
        try await transport.shutdown()
    }

    @Test func leasesEndAndFailingSubscribersAreRetriedThenDropped() async throws {
        let hub = try await HubHarness()
        let subscriber = try await TestSubscriber()
        var policy = WebSubPolicy()
        policy.maxFailures = 3
        let (webSub, transport) = Self.webSub(hub, policy: policy)
        let verifying = Task { await webSub.runVerifications() }
        try await hub.run(webSub: webSub) { c in
            let race = try await c.race()
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let raceTopic = "http://hub.test/feeds/races/\(race)/live.json"
            // A lease shorter than the hub's least is raised to it (60 s), and said so.
            for topic in [Self.topic, raceTopic] {
                let reply = try await Self.post(
                    c,
                    [
                        "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": subscriber.callback,
                        "hub.lease_seconds": topic == Self.topic ? "5" : "3600",
                    ])
                #expect(reply.status == 202)
            }
            #expect(try await subscriber.wait { $0.verifications.count == 2 })
            #expect(Set(subscriber.verifications.map { $0.query["hub.lease_seconds"] }) == ["60", "3600"])
            #expect(try await Self.subscriptions(hub, become: 2))

            // 61 s later the short lease has ended: a change reaches only the race feed's subscriber.
            hub.clock.advance(61_000)
            subscriber.update { $0.deliveryStatus = .internalServerError }
            try await live(hub, "alice", stream: "1")
            await webSub.deliverOnce()
            #expect(subscriber.deliveries.map { $0.headers[.contentType] } == ["application/feed+json"])
            #expect(try await hub.storage.activeWebSubSubscriptions().active.map(\.topic) == [raceTopic])

            // It failed: not retried before the 10 s backoff, then retried, then again after 20 s.
            // (The hub's clock is the wall clock moved by hand, so the wait left is at most 10 s,
            // less whatever a loaded machine took since the failure.)
            let retryIn = try #require(await webSub.deliverOnce())
            #expect(retryIn > 0 && retryIn <= 10_000)
            #expect(subscriber.deliveries.count == 1)
            hub.clock.advance(10_000)
            await webSub.deliverOnce()
            #expect(subscriber.deliveries.count == 2)
            hub.clock.advance(20_000)
            await webSub.deliverOnce()
            // The third failure in a row drops it.
            #expect(subscriber.deliveries.count == 3)
            #expect(try await hub.storage.activeWebSubSubscriptions().active.isEmpty)
            hub.clock.advance(3_600_000)
            await webSub.deliverOnce()
            #expect(subscriber.deliveries.count == 3)
        }
        verifying.cancel()
        webSub.finishVerifications()
        try await transport.shutdown()
    }

    @Test func privateCallbacksMalformedRequestsAndFullCapsAreRefusedAtOnce() async throws {
        let hub = try await HubHarness()
        var policy = WebSubPolicy()
        policy.maxPerTopic = 1
        let capped = policy
        let (webSub, transport) = Self.webSub(hub, policy: policy, allowPrivate: false)
        try await hub.run(webSub: webSub) { c in
            func refusal(_ fields: [String: String]) async throws -> (Int, String) {
                let reply = try await Self.post(c, fields)
                return (reply.status, reply.detail ?? "")
            }
            let subscribe = ["hub.mode": "subscribe", "hub.topic": Self.topic]
            for (callback, kind) in [
                ("http://127.0.0.1:9/cb", "loopback"), ("http://10.1.2.3/cb", "private"),
                ("http://192.168.0.7/cb", "private"), ("http://169.254.169.254/latest", "link-local"),
                ("http://[::1]:8080/cb", "loopback"), ("http://[::ffff:127.0.0.1]/cb", "loopback"),
                ("http://[fe80::1]/cb", "link-local"), ("http://localhost:9/cb", "loopback"),
            ] {
                let (status, detail) = try await refusal(subscribe.merging(["hub.callback": callback]) { $1 })
                #expect(status == 400 && detail.contains(kind), "\(callback): \(status) \(detail)")
            }
            let race = UUID().lowercased
            for (fields, status, words) in [
                (["hub.topic": Self.topic, "hub.callback": "https://example.org/cb"], 400, "hub.mode"),
                (
                    ["hub.mode": "publish", "hub.topic": Self.topic, "hub.callback": "https://example.org/cb"], 400,
                    "hub.mode"
                ),
                (subscribe.merging(["hub.topic": "https://elsewhere.test/feeds/live.atom"]) { $1 }, 400, "hub.topic"),
                (subscribe.merging(["hub.topic": "http://hub.test/feeds/live.html"]) { $1 }, 400, "hub.topic"),
                (
                    [
                        "hub.mode": "subscribe", "hub.topic": "http://hub.test/feeds/races/\(race)/live.rss",
                        "hub.callback": "https://example.org/cb",
                    ], 404, "race"
                ),
                (subscribe.merging(["hub.callback": "ftp://example.org/cb"]) { $1 }, 400, "hub.callback"),
                (subscribe.merging(["hub.callback": "https://user:pw@example.org/cb"]) { $1 }, 400, "hub.callback"),
                (
                    subscribe.merging([
                        "hub.callback": "https://example.org/cb", "hub.lease_seconds": "99999999999999999999",
                    ]) { $1 }, 400, "lease"
                ),
                (
                    subscribe.merging([
                        "hub.callback": "https://example.org/cb", "hub.secret": String(repeating: "s", count: 200),
                    ]) { $1 }, 400, "secret"
                ),
            ] as [([String: String], Int, String)] {
                let (got, detail) = try await refusal(fields)
                #expect(got == status && detail.contains(words), "\(fields): \(got) \(detail)")
            }
            let huge = try await c.call(
                .post, "/websub", raw: String(repeating: "a", count: 9000),
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(huge.status == 413)

            // The topic's cap (1 here) is reached by a stored subscription: the next is 429.
            _ = try await hub.storage.addWebSubSubscription(
                try WebSubRequest.parse(
                    mode: "subscribe", topic: Self.topic, callback: "https://one.example/cb", leaseSeconds: nil,
                    secret: nil, baseURL: "http://hub.test"
                ).get(), currentETag: nil, policy: capped)
            let full = try await Self.post(c, subscribe.merging(["hub.callback": "https://1.1.1.1/cb"]) { $1 })
            #expect(full.status == 429 && full.detail?.contains("this feed has 1") == true)
            // Ten well-formed requests from one address, then one every 6 s: 429 with Retry-After.
            let limited = try await Self.post(c, subscribe.merging(["hub.callback": "https://1.1.1.1/cb"]) { $1 })
            #expect(limited.status == 429 && limited.headers[.retryAfter] == "6")
        }
        try await transport.shutdown()
    }
}
