/// The store cannot be reached right now (a database server restarting, a lost connection).
/// Nothing of the request was committed, or its outcome is unknown and a retry is safe (every
/// write is idempotent by op id, and REST writes are answered only after their commit). The
/// hub answers `503` with `Retry-After`.
public struct StoreUnavailable: Error, CustomStringConvertible, Sendable {
    /// Why, for logs (never credentials).
    public var reason: String
    /// Seconds a client should wait before retrying.
    public var retryAfterSeconds: Int
    /// What a client is told (`{"detail"}`); nil for the generic sentence.
    public var detail: String?

    public init(_ reason: String, retryAfterSeconds: Int = 2, detail: String? = nil) {
        self.reason = reason
        self.retryAfterSeconds = retryAfterSeconds
        self.detail = detail
    }

    /// The store's disk is full: an outage with a name, over once space is freed.
    public static func diskFull(path: String) -> StoreUnavailable {
        StoreUnavailable(
            "disk full at \(path)", retryAfterSeconds: 10,
            detail: "the store's disk is full; nothing of this request was written, retry later")
    }

    public var description: String { "the store is unavailable: \(reason)" }
}
