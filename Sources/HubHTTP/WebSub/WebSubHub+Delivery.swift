import Foundation
import Logging
import RaceService
import SyncCore

extension WebSubHub {
    /// Delivers new renderings of subscribed topics until cancelled: after every commit that may
    /// change a feed, and when a retry falls due. Run by the one instance that leads.
    public func runDeliveries() async {
        let signal = store.changeSignal
        while !Task.isCancelled {
            let seen = signal.generation
            let retryIn = await deliverOnce()
            let wait = min(retryIn ?? Self.refreshMs, Self.refreshMs)
            await signal.wait(since: seen, timeout: .milliseconds(max(wait, 50)))
        }
    }

    /// One round: every subscriber whose feed's bytes differ from what it last received, and
    /// whose retry (if any) is due, gets the current bytes. Returns the milliseconds until the
    /// earliest retry that is not yet due (nil: none waits).
    @discardableResult
    public func deliverOnce() async -> Int64? {
        let now = store.backend.clock.now()
        guard let subscriptions = await subscriptions(at: now) else { return 5_000 }
        var due: [(WebSubSubscription, FeedCache.Rendered, FeedRenderer.Format)] = []
        var nextRetry: Int64?
        for (topic, subscribers) in Dictionary(grouping: subscriptions, by: \.topic) {
            guard let (scope, format) = WebSubTopic.feed(topic, baseURL: feeds.baseURL) else {
                skipForeignTopic(topic, subscribers)
                continue
            }
            guard let rendered = try? await feeds.get(scope, format) else { continue }
            for subscription in subscribers where subscription.deliveredETag != rendered.etag {
                if subscription.nextAttemptAtMs > now {
                    nextRetry = min(nextRetry ?? .max, subscription.nextAttemptAtMs - now)
                } else {
                    due.append((subscription, rendered, format))
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for (subscription, rendered, format) in due {
                if running >= 16, await group.next() != nil { running -= 1 }
                group.addTask { [self] in await deliver(rendered, format, to: subscription) }
                running += 1
            }
        }
        return nextRetry
    }

    /// The subscriptions whose lease runs, as the store held them at most `refreshMs` ago (or
    /// since this hub last changed one): a commit costs no store transaction of its own unless a
    /// subscriber's feed changed. Ended leases are swept at each refresh. Nil when the store is away.
    private func subscriptions(at now: Int64) async -> [WebSubSubscription]? {
        if let fresh = known.withLock({ known in
            known.stale || now - known.readAtMs >= Self.refreshMs ? nil : known.subscriptions
        }) {
            return fresh.filter { $0.expiresAtMs > now }
        }
        do {
            let (active, expired) = try await store.activeWebSubSubscriptions()
            if expired > 0 { logger.info("websub leases ended", metadata: ["subscriptions": "\(expired)"]) }
            known.withLock { $0 = KnownSubscriptions(subscriptions: active, readAtMs: now, stale: false) }
            return active
        } catch {
            logger.warning("websub delivery skipped: the store is unavailable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// How often the deliverer reads the subscriptions again (others' verifications show up then).
    static let refreshMs: Int64 = 2000

    /// Warns (once per topic) about subscriptions whose topic is no feed under the hub's public URL
    /// (it changed since they were made): they are not delivered, and end with their lease.
    private func skipForeignTopic(_ topic: String, _ subscribers: [WebSubSubscription]) {
        guard foreignTopics.withLock({ $0.insert(topic).inserted }) else { return }
        logger.warning(
            "websub subscriptions not delivered: their topic is not a feed under this hub's public URL (--public-url changed?); they end with their lease",
            metadata: ["topic": "\(topic)", "public_url": "\(feeds.baseURL)", "subscriptions": "\(subscribers.count)"])
    }

    /// POSTs the feed to one subscriber (WebSub §7) and records the outcome.
    func deliver(_ feed: FeedCache.Rendered, _ format: FeedRenderer.Format, to subscription: WebSubSubscription) async {
        // Whatever the outcome, the subscription's stored state changes.
        defer { subscriptionsChanged() }
        var headers = [
            ("Content-Type", format.contentType),
            ("Link", Self.linkHeader(topic: subscription.topic, baseURL: feeds.baseURL)),
        ]
        if let secret = subscription.secret {
            headers.append(("X-Hub-Signature", WebSubSignature.header(secret: secret, body: feed.body)))
        }
        let context: Logger.Metadata = [
            "topic": "\(subscription.topic)", "callback_host": "\(subscription.callbackHost)",
        ]
        var outcome = "failed"
        do {
            let answer = try await transport.send(
                WebSubOutbound(method: .post, url: subscription.callback, headers: headers, body: feed.body))
            if (200..<300).contains(answer.status) {
                try await store.recordWebSubDelivered(subscription, etag: feed.etag)
                logger.debug("websub delivered", metadata: context)
                return
            }
            if answer.status == 410 {
                // The subscriber says it is gone for good (WebSub §7): no retries.
                try await store.removeWebSubSubscription(topic: subscription.topic, callback: subscription.callback)
                logger.info("websub subscriber gone (410); subscription ended", metadata: context)
                return
            }
            outcome = "answered \(answer.status)"
        } catch {
            outcome = String(describing: error)
        }
        do {
            let dropped = try await store.recordWebSubFailed(subscription, policy: policy)
            let failures = subscription.failures + 1
            logger.info(
                dropped
                    ? "websub delivery failed too often; subscription dropped" : "websub delivery failed; will retry",
                metadata: context.merging([
                    "outcome": "\(outcome)", "failures": "\(failures)",
                    "retry_in_ms": "\(dropped ? 0 : policy.retryDelayMs(afterFailures: failures))",
                ]) { $1 })
        } catch {
            logger.warning(
                "websub delivery outcome not recorded", metadata: context.merging(["error": "\(error)"]) { $1 })
        }
    }
}
