public import Foundation
public import Logging
public import SyncCore
import Synchronization

/// Which polled logins Twitch pushes news about (both their subscriptions enabled), shared by
/// the subscription manager (who learns it) and the poller (who then visits them less often).
public final class EventSubCoverage: Sendable {
    private let state = Mutex<(logins: Set<String>, lastFullPoll: ContinuousClock.Instant?)>(([], nil))

    public init() {}

    public var logins: Set<String> { state.withLock { $0.logins } }

    func set(_ logins: Set<String>) { state.withLock { $0.logins = logins } }

    /// Whether a poll now should visit every login (the reconciling poll), and if so records it.
    func fullPollDue(every interval: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if let last = state.lastFullPoll, now - last < interval, !state.logins.isEmpty { return false }
            state.lastFullPoll = now
            return true
        }
    }
}

/// Keeps one `stream.online` and one `stream.offline` webhook subscription for each polled
/// broadcaster whose Twitch id is known, and none for anyone else (`SubscriptionPlan`). Every
/// `interval` it looks at who is wanted; when that changed, or every five intervals anyway (to see
/// revocations and failures), it lists every page, deletes what is not wanted or failed, and
/// creates what is missing (409 "already exists" is fine); so a quiet hub lists 2,000
/// subscriptions (20 pages) every 5 minutes, not every minute. A failure (429, 5xx, Twitch
/// unreachable) ends the round and the next one waits twice as long, up to 10 minutes. Runs on the
/// leader only.
public struct EventSubManager: Sendable {
    public let helix: HelixClient
    public let targets: any LiveStatusStore
    public let profiles: any TwitchProfileStore
    /// `{public URL}/twitch/eventsub`.
    public let callback: String
    let secret: String
    public let coverage: EventSubCoverage
    public var interval: Duration
    public var logger: Logger
    /// The wanted broadcasters at the last listing, and when it was.
    private let lastRound = LastRound()

    /// What the last listing saw wanted, and when (a class: the manager is a value shared by its loop).
    private final class LastRound: Sendable {
        let state = Mutex<(wanted: Set<String>, at: ContinuousClock.Instant)?>(nil)
        func withLock<T>(_ body: (inout (wanted: Set<String>, at: ContinuousClock.Instant)?) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }

    public init(
        helix: HelixClient, targets: any LiveStatusStore, profiles: any TwitchProfileStore, callback: String,
        secret: String, coverage: EventSubCoverage, interval: Duration = .seconds(60), logger: Logger
    ) {
        self.helix = helix
        self.targets = targets
        self.profiles = profiles
        self.callback = callback
        self.secret = secret
        self.coverage = coverage
        self.interval = interval
        self.logger = logger
    }

    /// Reconciles until cancelled, backing off after failures.
    public func run() async {
        var wait = interval
        while !Task.isCancelled {
            do {
                try await reconcileOnce()
                wait = interval
            } catch is CancellationError {
                break
            } catch {
                wait = min(wait * 2, .seconds(600))
                logger.warning(
                    "EventSub subscriptions not reconciled; retrying later",
                    metadata: ["error": "\(error)", "retry_in": "\(wait)"])
            }
            do { try await Task.sleep(for: wait) } catch { break }
        }
    }

    /// One round: returns what it changed (nothing, without asking Twitch, when nobody new is
    /// wanted and the last listing is recent).
    @discardableResult
    public func reconcileOnce(force: Bool = false) async throws -> SubscriptionPlan.Steps {
        let logins = Array(try await targets.pollTargets().keys)
        let ids = try await profiles.twitchIDs(logins: logins)
        let wanted = Set(ids.values)
        let now = ContinuousClock.now
        let quiet = lastRound.withLock { last in last.map { $0.wanted == wanted && now - $0.at < interval * 5 } ?? false
        }
        if quiet && !force { return SubscriptionPlan.Steps(create: [], delete: []) }
        let (existing, totalCost, maxTotalCost) = try await helix.subscriptions()
        let covered = SubscriptionPlan.covered(existing, callback: callback)
        coverage.set(Set(ids.filter { covered.contains($0.value) }.keys))
        let steps = SubscriptionPlan.steps(wanted: Set(ids.values), existing: existing, callback: callback)
        for id in steps.delete { try await helix.unsubscribe(id: id) }
        for (type, broadcaster) in steps.create {
            try await helix.subscribe(type: type, broadcasterID: broadcaster, callback: callback, secret: secret)
        }
        // New subscriptions are verified within seconds: look again at the next round.
        lastRound.withLock { $0 = steps.create.isEmpty ? (wanted, now) : nil }
        if !steps.create.isEmpty || !steps.delete.isEmpty {
            logger.info(
                "EventSub subscriptions reconciled",
                metadata: [
                    "created": "\(steps.create.count)", "deleted": "\(steps.delete.count)",
                    "covered": "\(covered.count)",
                    "cost": "\(totalCost.map(String.init) ?? "?")/\(maxTotalCost.map(String.init) ?? "?")",
                ])
        }
        return steps
    }
}

/// The Twitch jobs of the leader: the poll, and the subscriptions when EventSub is on.
public struct TwitchJobs: Sendable {
    public var poller: LivePoller
    public var subscriptions: EventSubManager?

    public init(poller: LivePoller, subscriptions: EventSubManager?) {
        self.poller = poller
        self.subscriptions = subscriptions
    }

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await poller.run() }
            if let subscriptions { group.addTask { await subscriptions.run() } }
        }
    }
}
