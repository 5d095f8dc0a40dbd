import Foundation
import Synchronization

/// Per-user rate limits on writes (CONTRACT §6): token buckets for ops (pushed ops plus REST
/// writes, `--max-ops-per-minute`) and for races created (`--max-races-per-day`). A request
/// that would overdraw either bucket takes nothing from it and is answered `429` with
/// `Retry-After`: when enough tokens will be back. `0` turns a limit off. Buckets are kept in
/// memory per hub instance; a full bucket is forgotten, so memory follows the active writers.
public final class WriteQuota: Sendable {
    /// Ops a user may write per minute (0: no limit).
    public let opsPerMinute: Int
    /// Races a user may create per day (0: no limit).
    public let racesPerDay: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<(ops: [UUID: TokenBucket], races: [UUID: TokenBucket])>(([:], [:]))

    /// The defaults: generous for a person (a caster makes a few writes a minute, a node that
    /// was offline pushes one full batch of 1000 at once), hard on a script.
    public static let defaultOpsPerMinute = 600
    public static let defaultRacesPerDay = 50

    public init(
        opsPerMinute: Int = defaultOpsPerMinute, racesPerDay: Int = defaultRacesPerDay,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.opsPerMinute = opsPerMinute
        self.racesPerDay = racesPerDay
        self.now = now
    }

    /// No limits at all (benchmarks, load tests, in-process tests).
    public static let unlimited = WriteQuota(opsPerMinute: 0, racesPerDay: 0)

    /// Takes `count` ops (and one race when `createsRace`) from `user`'s buckets, or throws a
    /// 429 `APIError` saying when to retry, taking nothing.
    func take(ops count: Int, createsRace: Bool = false, user: UUID) throws(APIError) {
        let at = now()
        // A bucket holds at least one full push, or a node back from a long outage could never sync.
        let opsBucket =
            opsPerMinute > 0
            ? TokenBucket.Shape(capacity: max(Double(opsPerMinute), 1000), perSecond: Double(opsPerMinute) / 60) : nil
        let raceBucket =
            createsRace && racesPerDay > 0
            ? TokenBucket.Shape(capacity: Double(racesPerDay), perSecond: Double(racesPerDay) / 86_400) : nil
        let wait: (seconds: Double, what: String)? = buckets.withLock { buckets in
            var ops = opsBucket.map { buckets.ops[user, default: TokenBucket(full: $0, at: at)].refilled(at, $0) }
            var races = raceBucket.map { buckets.races[user, default: TokenBucket(full: $0, at: at)].refilled(at, $0) }
            if let shape = opsBucket, let bucket = ops, bucket.tokens < Double(count) {
                return ((Double(count) - bucket.tokens) / shape.perSecond, "\(opsPerMinute) writes per minute")
            }
            if let shape = raceBucket, let bucket = races, bucket.tokens < 1 {
                return ((1 - bucket.tokens) / shape.perSecond, "\(racesPerDay) new races per day")
            }
            ops?.tokens -= Double(count)
            races?.tokens -= 1
            buckets.ops[user] = ops
            buckets.races[user] = races
            if buckets.ops.count > 4096 { buckets.ops = buckets.ops.filter { !$0.value.isFull(at, opsBucket) } }
            if buckets.races.count > 4096 { buckets.races = buckets.races.filter { !$0.value.isFull(at, raceBucket) } }
            return nil
        }
        if let wait {
            let seconds = max(1, Int(wait.seconds.rounded(.up)))
            throw APIError(
                .tooManyRequests, "rate limit: at most \(wait.what); nothing was written, retry in \(seconds) s",
                retryAfter: seconds)
        }
    }
}

/// Tokens refilled at a steady rate up to a capacity.
struct TokenBucket: Sendable {
    struct Shape: Sendable {
        var capacity: Double
        var perSecond: Double
    }

    var tokens: Double
    var updated: ContinuousClock.Instant

    init(full shape: Shape, at instant: ContinuousClock.Instant) {
        tokens = shape.capacity
        updated = instant
    }

    func refilled(_ instant: ContinuousClock.Instant, _ shape: Shape) -> TokenBucket {
        var next = self
        let elapsed = instant - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        next.tokens = min(shape.capacity, tokens + max(0, seconds) * shape.perSecond)
        next.updated = instant
        return next
    }

    func isFull(_ instant: ContinuousClock.Instant, _ shape: Shape?) -> Bool {
        guard let shape else { return true }
        return refilled(instant, shape).tokens >= shape.capacity
    }
}
