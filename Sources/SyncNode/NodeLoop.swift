import Foundation
public import Logging
import RaceService
public import SyncCore
public import SyncStore

/// The `syncd node` loop: sync rounds every `interval`, a long-poll pull in between so hub
/// changes arrive as soon as the hub commits them, an outbox watcher so local writes (from
/// `racecli`) are pushed at once (woken by `LocalWake`, with a timer as the fallback), and
/// capped exponential backoff with full jitter
/// (1 s doubling, capped at the interval) while the hub is unreachable. Logs one line per state change, not per retry.
public struct NodeLoop: Sendable {
    public let store: ReplicaStore
    public let hub: any HubAPI
    public var intervalSeconds: Int
    public var backoff = Backoff()
    public var logger: Logger
    /// How often the outbox is checked for new local writes when nothing wakes the loop.
    public var outboxPoll: Duration = .milliseconds(200)
    /// Wakes the loop when `racecli` has queued a write; the outbox is then checked only
    /// every `wokenOutboxPoll`, as a safety net.
    public var wake: LocalWakeListener?
    public var wokenOutboxPoll: Duration = .seconds(2)
    /// Told about every round and failure (the node's web pages show it).
    public var status = NodeSyncStatus()

    /// The backoff is capped at the interval (and at 60 s), so a write made during an outage
    /// reaches the hub within two intervals after it returns.
    public init(store: ReplicaStore, hub: any HubAPI, intervalSeconds: Int, logger: Logger) {
        self.store = store
        self.hub = hub
        self.intervalSeconds = intervalSeconds
        self.logger = logger
        self.backoff = Backoff(baseSeconds: 1, capSeconds: Double(min(60, max(1, intervalSeconds))))
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var failures = 0
        var reachable: Bool?
        let round = SyncRound(store: store, hub: hub)
        while !Task.isCancelled {
            do {
                let report = try await round.run()
                if reachable != true {
                    let pending = try await store.async.pendingOps().count
                    logger.info("hub reachable; in sync", metadata: ["pending": "\(pending)"])
                    reachable = true
                }
                failures = 0
                status.reached()
                log(report)
                try await waitForWork(round)
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                failures += 1
                let state = Self.describe(error)
                status.failed(state)
                if reachable != false {
                    logger.warning("\(state); retrying with backoff (local writes are kept)")
                    reachable = false
                }
                let delay = backoff.delay(failures: failures, unit: Double.random(in: 0...1))
                try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            }
        }
        logger.info("node loop stopped")
    }

    private func log(_ report: SyncReport) {
        guard !report.isEmpty else { return }
        logger.info(
            "sync round",
            metadata: [
                "applied": "\(report.applied.count)", "superseded": "\(report.superseded.count)",
                "duplicate": "\(report.duplicate.count)", "rejected": "\(report.rejected.count)",
                "pulled": "\(report.changesPulled)",
            ])
        for entry in report.rejected {
            logger.warning(
                "op rejected by the hub",
                metadata: ["op": "\(entry.op.opID.lowercased)", "code": "\(entry.code)", "detail": "\(entry.detail)"])
        }
    }

    /// Returns when there is work: the hub had changes (already applied), the outbox got a
    /// new op, or the interval passed. Hub errors propagate.
    private func waitForWork(_ round: SyncRound) async throws {
        if try await hasPending() { return }
        let wait = max(1, min(intervalSeconds, 30))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var report = SyncReport()
                try await round.pull(into: &report, wait: wait)
                if report.changesPulled > 0 {
                    log(report)
                    status.replicaChanged()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    if let wake {
                        let seen = wake.signal.generation
                        if try await hasPending() { return }
                        await wake.signal.wait(since: seen, timeout: wokenOutboxPoll)
                    } else {
                        try await Task.sleep(for: outboxPoll)
                        if try await hasPending() { return }
                    }
                }
                try Task.checkCancellation()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Whether the outbox holds an op (read off the cooperative pool).
    private func hasPending() async throws -> Bool {
        try await !store.async.pendingOps(limit: 1).isEmpty
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HubClientError { return error.description }
        return "sync failed: \(error)"
    }
}
