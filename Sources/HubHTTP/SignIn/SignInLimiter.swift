import Foundation
import Synchronization

/// Sign-in attempts per client (`POST /login`, the Twitch callback): a token bucket of 10,
/// refilled at one every 6 s, so guessing tokens is hopeless and a person who mistypes is not
/// held up. Buckets are kept per hub instance and forgotten once full, so memory follows the
/// clients trying right now (at most 4096 kept; beyond that the fullest are dropped).
final class SignInLimiter: Sendable {
    static let shape = TokenBucket.Shape(capacity: 10, perSecond: 1.0 / 6)
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) { self.now = now }

    /// Takes one attempt for `client`; false (take nothing) when it has none left.
    func take(client: String) -> Bool {
        let at = now()
        return buckets.withLock { buckets in
            var bucket = buckets[client, default: TokenBucket(full: Self.shape, at: at)].refilled(at, Self.shape)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            buckets[client] = bucket
            if buckets.count > 4096 { buckets = buckets.filter { !$0.value.isFull(at, Self.shape) } }
            if buckets.count > 4096 {
                let keep = buckets.sorted { $0.value.tokens < $1.value.tokens }.prefix(4096)
                buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            return true
        }
    }
}
