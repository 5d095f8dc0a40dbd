import Foundation
public import Logging
public import SyncCore

/// Polls Twitch for the participants and casters of active races, once at start and then
/// every `interval`, and writes only the differences to the hub's live status. A failed poll
/// keeps the last known state, logs one line, and the next poll runs on schedule.
public struct LivePoller: Sendable {
    public let store: any LiveStatusStore
    /// Where the polled users' Twitch profiles (`GET /users`) are kept; nil: not fetched.
    public var profiles: (any TwitchProfileStore)?
    /// The logins Twitch pushes news about (EventSub): asked only at every `reconcileInterval`.
    public var coverage: EventSubCoverage?
    /// How often covered logins are polled anyway, to catch what a push missed.
    public var reconcileInterval: Duration = .seconds(300)
    public let helix: HelixClient
    public var interval: Duration
    public var logger: Logger
    public var observer: any TwitchObserver
    /// Called after every successful poll with whether live status changed (feed export hooks in here).
    public var afterPoll: @Sendable (_ changed: Bool) async -> Void

    public init(
        store: any LiveStatusStore, helix: HelixClient, interval: Duration, logger: Logger,
        profiles: (any TwitchProfileStore)? = nil, observer: any TwitchObserver = NoTwitchObserver(),
        afterPoll: @escaping @Sendable (Bool) async -> Void = { _ in }
    ) {
        self.store = store
        self.profiles = profiles
        self.helix = helix
        self.interval = interval
        self.logger = logger
        self.observer = observer
        self.afterPoll = afterPoll
    }

    /// Polls until the task is cancelled.
    public func run() async {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            do {
                try await pollOnce()
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                observer.pollFailed()
                logger.warning(
                    "Twitch poll failed; keeping the last known live status", metadata: ["error": "\(error)"])
            }
            next = next.advanced(by: interval)
            if next < clock.now { next = clock.now.advanced(by: interval) }
            do { try await Task.sleep(until: next, clock: clock) } catch { break }
        }
    }

    /// One poll: returns the live-status changes written.
    @discardableResult
    public func pollOnce() async throws -> [LiveState] {
        let startedAt = Date()
        let everyone = try await store.pollTargets()
        // Between reconciling polls, broadcasters Twitch pushes news about are not asked.
        let covered = coverage.map { $0.fullPollDue(every: reconcileInterval) ? [] : $0.logins } ?? []
        let targets = everyone.filter { !covered.contains($0.key) }
        let skipped = Set(everyone.filter { covered.contains($0.key) }.values)
        let streams = targets.isEmpty ? [] : try await helix.streams(logins: Array(targets.keys))
        try Task.checkCancellation()
        let at = Date()
        // Twitch's types stop here: the store and the model see `LiveStream`.
        var seen: [UUID: LiveStream] = [:]
        for stream in streams {
            if let user = targets[stream.userLogin.lowercased()] { seen[user] = stream.liveStream(observedAt: at) }
        }
        let changes = try await store.recordPoll(seen: seen, at: at, startedAt: startedAt, skipped: skipped)
        observer.pollSucceeded(liveStreams: seen.count, at: at)
        if !changes.isEmpty {
            logger.info(
                "live status changed",
                metadata: ["live": "\(seen.count)", "changes": "\(changes.count)", "polled": "\(targets.count)"])
        }
        await afterPoll(!changes.isEmpty)
        await refreshProfiles(logins: Array(everyone.keys))
        return changes
    }

    /// Asks `GET /users` about the polled logins whose profile is missing or a day old (one
    /// request per 100); a failure is logged and retried at the next poll, never failing this one.
    public func refreshProfiles(logins: [String]) async {
        guard let profiles, !logins.isEmpty else { return }
        do {
            let due = try await profiles.loginsNeedingProfiles(logins, at: Date())
            guard !due.isEmpty else { return }
            let found = try await helix.profiles(logins: due)
            let changed = try await profiles.recordProfiles(found, asked: due, at: Date())
            if changed > 0 { logger.info("Twitch profiles updated", metadata: ["users": "\(changed)"]) }
        } catch is CancellationError {
            return
        } catch {
            logger.notice("Twitch profiles not refreshed; retried at the next poll", metadata: ["error": "\(error)"])
        }
    }
}
