public import Foundation

/// A WebSub subscription the store has no room for (answered `429`).
public struct WebSubFull: Error, CustomStringConvertible {
    public var description: String
}

extension Hub {
    /// Why a subscription of `topic` by `callback` on `host` would not fit now; nil when it fits.
    /// The request is checked before verifying intent, and again when it is stored.
    public func webSubRoom(topic: String, callback: String, host: String, policy: WebSubPolicy) async throws -> String?
    {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            _ = try await tx.deleteWebSubSubscriptions(expiredBy: now())
            return policy.refusal(try await tx.webSubCounts(topic: topic, host: host, except: callback))
        }
    }

    /// Stores a subscription whose intent the subscriber verified, leased from now for the
    /// lease `policy` grants; throws `WebSubFull` when the caps were reached meanwhile.
    /// `currentETag` tags the bytes the subscriber has: the next delivery is the next change.
    @discardableResult
    public func addWebSubSubscription(_ request: WebSubRequest, currentETag: String?, policy: WebSubPolicy)
        async throws -> WebSubSubscription
    {
        let lease = policy.lease(requested: request.requestedLease)
        let now = backend.clock.now
        return try await backend.transaction { tx in
            let at = now()
            _ = try await tx.deleteWebSubSubscriptions(expiredBy: at)
            let counts = try await tx.webSubCounts(
                topic: request.topic, host: request.callbackHost, except: request.callback)
            if let refusal = policy.refusal(counts) { throw WebSubFull(description: refusal) }
            let subscription = WebSubSubscription(
                topic: request.topic, callback: request.callback, callbackHost: request.callbackHost,
                secret: request.secret, leaseSeconds: lease, expiresAtMs: at + lease * 1000,
                deliveredETag: currentETag)
            try await tx.upsertWebSubSubscription(subscription)
            return subscription
        }
    }

    /// Ends a subscription the subscriber asked to end (and verified); false when there was none.
    @discardableResult
    public func removeWebSubSubscription(topic: String, callback: String) async throws -> Bool {
        try await backend.transaction { tx in try await tx.deleteWebSubSubscription(topic: topic, callback: callback) }
    }

    /// The subscriptions whose lease runs, after sweeping the ended ones (logged by the caller
    /// through the count).
    public func activeWebSubSubscriptions() async throws -> (active: [WebSubSubscription], expired: Int) {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            let expired = try await tx.deleteWebSubSubscriptions(expiredBy: now())
            return (try await tx.webSubSubscriptions(), expired)
        }
    }

    /// Records a delivery of the bytes tagged `etag` to a subscription.
    public func recordWebSubDelivered(_ subscription: WebSubSubscription, etag: String) async throws {
        try await backend.transaction { tx in
            _ = try await tx.updateWebSubDelivery(
                topic: subscription.topic, callback: subscription.callback, deliveredETag: etag, failures: 0,
                nextAttemptAtMs: 0)
        }
    }

    /// Records a failed delivery: the next attempt is scheduled by `policy`, or the subscription
    /// is dropped after too many failures in a row. Answers whether it was dropped.
    public func recordWebSubFailed(_ subscription: WebSubSubscription, policy: WebSubPolicy) async throws -> Bool {
        let now = backend.clock.now
        let failures = subscription.failures + 1
        return try await backend.transaction { tx in
            if policy.drops(afterFailures: failures) {
                _ = try await tx.deleteWebSubSubscription(topic: subscription.topic, callback: subscription.callback)
                return true
            }
            _ = try await tx.updateWebSubDelivery(
                topic: subscription.topic, callback: subscription.callback,
                deliveredETag: subscription.deliveredETag, failures: failures,
                nextAttemptAtMs: now() + policy.retryDelayMs(afterFailures: failures))
            return false
        }
    }
}
