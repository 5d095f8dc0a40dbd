/// The store cannot be reached right now (a database server restarting, a lost connection).
/// Nothing of the request was committed, or its outcome is unknown and a retry is safe (every
/// write is idempotent by op id, and REST writes are answered only after their commit). The
/// hub answers `503` with `Retry-After`.
public struct StoreUnavailable: Error, CustomStringConvertible, Sendable {
    /// Why, for logs (never credentials).
    public var reason: String
    /// Seconds a client should wait before retrying.
    public var retryAfterSeconds: Int

    public init(_ reason: String, retryAfterSeconds: Int = 2) {
        self.reason = reason
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "the store is unavailable: \(reason)" }
}
