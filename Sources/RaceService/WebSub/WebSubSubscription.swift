public import Foundation

/// A verified WebSub subscription to one of the hub's feeds: where to deliver, with what
/// secret, until when, and how delivery stands. Keyed by (topic, callback), as the WebSub
/// Recommendation keys them; a renewed subscription replaces the old one.
public struct WebSubSubscription: Sendable, Equatable {
    /// The feed's URL, as the subscriber named it (one of the hub's feed URLs).
    public var topic: String
    public var callback: String
    /// The callback's host, lowercased: what the per-host cap counts.
    public var callbackHost: String
    /// The subscriber's `hub.secret`: deliveries carry `X-Hub-Signature` when set.
    public var secret: String?
    public var leaseSeconds: Int64
    public var expiresAtMs: Int64
    /// The `ETag` of the bytes the subscriber last received (or had when it subscribed).
    public var deliveredETag: String?
    /// Failed deliveries in a row, and when the next attempt may be made.
    public var failures: Int
    public var nextAttemptAtMs: Int64

    public init(
        topic: String, callback: String, callbackHost: String, secret: String?, leaseSeconds: Int64,
        expiresAtMs: Int64, deliveredETag: String?, failures: Int = 0, nextAttemptAtMs: Int64 = 0
    ) {
        self.topic = topic
        self.callback = callback
        self.callbackHost = callbackHost
        self.secret = secret
        self.leaseSeconds = leaseSeconds
        self.expiresAtMs = expiresAtMs
        self.deliveredETag = deliveredETag
        self.failures = failures
        self.nextAttemptAtMs = nextAttemptAtMs
    }
}

/// How many subscriptions the store holds for a topic, for a callback host, and in all.
public struct WebSubCounts: Sendable, Equatable {
    public var topic: Int
    public var host: Int
    public var total: Int

    public init(topic: Int, host: Int, total: Int) {
        self.topic = topic
        self.host = host
        self.total = total
    }
}
