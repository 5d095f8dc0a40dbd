import Foundation
import RaceService
import SyncCore
import Testing

/// WebSub subscriptions on both backends: stored when verified, renewed in place, capped per
/// topic, per callback host and in all, swept when their lease ends, and their delivery state
/// (delivered bytes, failures, retries, dropped after too many).
@Suite struct WebSubConformanceTests {
    static let base = "https://hub.example"

    static func request(_ callback: String, topic: String = base + "/feeds/live.atom", lease: String? = nil)
        throws -> WebSubRequest
    {
        try WebSubRequest.parse(
            mode: "subscribe", topic: topic, callback: callback, leaseSeconds: lease, secret: "s3cret",
            baseURL: base
        ).get()
    }

    @Test(arguments: Backend.allCases)
    func subscriptionsAreStoredRenewedCappedAndSwept(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let store = hub.storage
        var policy = WebSubPolicy()
        policy.maxPerTopic = 2
        policy.maxPerCallbackHost = 2

        let first = try await store.addWebSubSubscription(
            try Self.request("https://a.example/cb", lease: "120"), currentETag: "\"v1\"", policy: policy)
        #expect(first.leaseSeconds == 120 && first.expiresAtMs == clock.now + 120_000 && first.secret == "s3cret")
        #expect(first.callbackHost == "a.example" && first.deliveredETag == "\"v1\"")
        // A renewal replaces the subscription and does not count against the caps.
        clock.advance(1000)
        let renewed = try await store.addWebSubSubscription(
            try Self.request("https://a.example/cb"), currentETag: "\"v2\"", policy: policy)
        #expect(renewed.leaseSeconds == policy.defaultLeaseSeconds)
        #expect(try await store.activeWebSubSubscriptions().active == [renewed])
        #expect(
            try await store.webSubRoom(
                topic: renewed.topic, callback: renewed.callback, host: "a.example", policy: policy) == nil)

        _ = try await store.addWebSubSubscription(
            try Self.request("https://a.example/other"), currentETag: nil, policy: policy)
        // Two on the topic and two on the host: a third is refused, before and at storing.
        let refusal = try await store.webSubRoom(
            topic: renewed.topic, callback: "https://b.example/cb", host: "b.example", policy: policy)
        #expect(refusal?.contains("this feed has 2 subscriptions") == true)
        await #expect(throws: WebSubFull.self) {
            try await store.addWebSubSubscription(
                try Self.request("https://b.example/cb"), currentETag: nil, policy: policy)
        }
        let hostRefusal = try await store.webSubRoom(
            topic: Self.base + "/feeds/live.rss", callback: "https://a.example/third", host: "a.example",
            policy: policy)
        #expect(hostRefusal?.contains("callback's host has 2") == true)

        #expect(try await store.removeWebSubSubscription(topic: renewed.topic, callback: "https://a.example/other"))
        #expect(!(try await store.removeWebSubSubscription(topic: renewed.topic, callback: "https://a.example/other")))

        // The lease ends: swept and counted.
        clock.advance(policy.defaultLeaseSeconds * 1000)
        let (active, expired) = try await store.activeWebSubSubscriptions()
        #expect(active.isEmpty && expired == 1)
    }

    @Test(arguments: Backend.allCases)
    func failedDeliveriesAreRetriedLaterThenDropped(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let store = hub.storage
        var policy = WebSubPolicy()
        policy.maxFailures = 3
        policy.retryBaseMs = 1000
        var subscription = try await store.addWebSubSubscription(
            try Self.request("https://a.example/cb"), currentETag: "\"v1\"", policy: policy)

        #expect(!(try await store.recordWebSubFailed(subscription, policy: policy)))
        subscription = try await store.activeWebSubSubscriptions().active[0]
        #expect(subscription.failures == 1 && subscription.nextAttemptAtMs == clock.now + 1000)
        #expect(!(try await store.recordWebSubFailed(subscription, policy: policy)))
        subscription = try await store.activeWebSubSubscriptions().active[0]
        #expect(subscription.failures == 2 && subscription.nextAttemptAtMs == clock.now + 2000)
        #expect(subscription.deliveredETag == "\"v1\"")

        // A delivery that gets through clears the failures.
        try await store.recordWebSubDelivered(subscription, etag: "\"v3\"")
        subscription = try await store.activeWebSubSubscriptions().active[0]
        #expect(
            subscription.failures == 0 && subscription.nextAttemptAtMs == 0 && subscription.deliveredETag == "\"v3\"")

        for _ in 0..<2 {
            #expect(!(try await store.recordWebSubFailed(subscription, policy: policy)))
            subscription = try await store.activeWebSubSubscriptions().active[0]
        }
        #expect(try await store.recordWebSubFailed(subscription, policy: policy))  // the third in a row
        #expect(try await store.activeWebSubSubscriptions().active.isEmpty)
    }
}
