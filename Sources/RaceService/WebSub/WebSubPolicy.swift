/// The hub's WebSub bounds: leases, caps and the retry schedule. Pure values; the defaults are
/// what `syncd hub` runs with, tests shrink them.
public struct WebSubPolicy: Sendable {
    /// `hub.lease_seconds` when the subscriber names none: 10 days.
    public var defaultLeaseSeconds: Int64 = 10 * 86_400
    /// Leases are clamped into these bounds (the Recommendation lets the hub choose; the
    /// verification request tells the subscriber what it got).
    public var minLeaseSeconds: Int64 = 60
    public var maxLeaseSeconds: Int64 = 30 * 86_400
    /// Subscriptions one topic, one callback host, and the whole hub may hold.
    public var maxPerTopic = 1000
    public var maxPerCallbackHost = 100
    public var maxTotal = 10_000
    /// Verifications of intent waiting or under way, per callback host and in all.
    public var maxPendingPerHost = 4
    public var maxPending = 256
    /// The first retry of a failed delivery waits this long, each next one twice as long, up to
    /// `maxRetryDelayMs`; after `maxFailures` failures in a row the subscription is dropped.
    public var retryBaseMs: Int64 = 10_000
    public var maxRetryDelayMs: Int64 = 3_600_000
    public var maxFailures = 8
    /// `hub.secret` must be shorter than 200 bytes (WebSub §5.1).
    public static let maxSecretBytes = 199
    /// A callback URL is at most this long.
    public static let maxCallbackBytes = 2048

    public init() {}

    /// The lease the hub grants for a requested one (nil: none requested).
    public func lease(requested: Int64?) -> Int64 {
        guard let requested else { return defaultLeaseSeconds }
        return min(max(requested, minLeaseSeconds), maxLeaseSeconds)
    }

    /// How long to wait after the `failures`-th failure in a row (1, 2, ...): doubling from
    /// `retryBaseMs`, never more than `maxRetryDelayMs`, never overflowing.
    public func retryDelayMs(afterFailures failures: Int) -> Int64 {
        let doublings = min(max(failures - 1, 0), 40)
        let (delay, overflow) = retryBaseMs.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow ? maxRetryDelayMs : min(delay, maxRetryDelayMs)
    }

    /// Whether a subscription that has failed `failures` times in a row is dropped.
    public func drops(afterFailures failures: Int) -> Bool { failures >= maxFailures }

    /// Why a new subscription does not fit, given what the store holds; nil when it fits.
    public func refusal(_ counts: WebSubCounts) -> String? {
        if counts.topic >= maxPerTopic { return "this feed has \(maxPerTopic) subscriptions, the most it takes" }
        if counts.host >= maxPerCallbackHost {
            return "the callback's host has \(maxPerCallbackHost) subscriptions, the most one host may hold"
        }
        if counts.total >= maxTotal { return "the hub holds \(maxTotal) subscriptions, the most it takes" }
        return nil
    }
}
