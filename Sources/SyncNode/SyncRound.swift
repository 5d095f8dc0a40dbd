public import Foundation
import RaceService
public import SyncCore
public import SyncStore

/// What one push+pull round did.
public struct SyncReport: Sendable {
    public var applied: [Op] = []
    public var superseded: [Op] = []
    /// The write each superseded op lost to, by op id (when the hub named it).
    public var winners: [UUID: OpWinner] = [:]
    public var duplicate: [Op] = []
    public var rejected: [(op: Op, code: Int, detail: String)] = []
    public var changesPulled = 0
    public var reset = false

    public init() {}

    /// Whether anything happened at all.
    public var isEmpty: Bool {
        applied.isEmpty && superseded.isEmpty && duplicate.isEmpty && rejected.isEmpty && changesPulled == 0
    }
}

/// One sync round, shared by `racecli sync` and `syncd node`: push the outbox in batches,
/// record every answer, then pull pages until the hub has no more.
public struct SyncRound: Sendable {
    public let store: ReplicaStore
    public let hub: any HubAPI
    /// Pull page size.
    public var pageSize = 2000

    public init(store: ReplicaStore, hub: any HubAPI) {
        self.store = store
        self.hub = hub
    }

    /// Pushes every pending op. An op leaves the outbox only once the hub has answered it.
    public func push(into report: inout SyncReport) async throws {
        while true {
            let batch = try await store.async.pendingOps(limit: PushRequest.maxOps)
            if batch.isEmpty { return }
            let response = try await hub.push(PushRequest(nodeID: store.nodeID, ops: batch))
            guard response.results.count == batch.count else {
                throw HubClientError.badResponse("\(response.results.count) results for \(batch.count) ops")
            }
            try await store.async.record(response.results, for: batch, hubClock: response.hlc)
            for (op, result) in zip(batch, response.results) {
                switch result.status {
                case .applied: report.applied.append(op)
                case .superseded:
                    report.superseded.append(op)
                    if let winner = result.winner { report.winners[op.opID] = winner }
                case .duplicate: report.duplicate.append(op)
                case .rejected: report.rejected.append((op, result.code ?? 0, result.detail ?? ""))
                }
            }
        }
    }

    /// Pulls until `has_more` is false; the first request may long-poll for `wait` seconds.
    /// A reset is followed by a pull from the start; a hub that answers that pull with another
    /// reset is broken, and the round fails instead of looping.
    public func pull(into report: inout SyncReport, wait: Int = 0) async throws {
        var first = true
        var lastWasReset = false
        while true {
            let cursor = try await store.async.cursor()
            let page = try await hub.pull(since: cursor, limit: pageSize, wait: first ? wait : 0)
            first = false
            if page.reset && lastWasReset {
                throw HubClientError.badResponse("the hub asked for a reset again right after one")
            }
            try await store.async.apply(page)
            report.changesPulled += page.changes.count
            lastWasReset = page.reset
            if page.reset {
                report.reset = true
                continue
            }
            if !page.hasMore { return }
        }
    }

    /// A whole round: push, then pull; marks the replica synced.
    public func run() async throws -> SyncReport {
        var report = SyncReport()
        try await push(into: &report)
        try await pull(into: &report)
        try await store.async.markSynced()
        return report
    }

    /// Fetches a full snapshot (every page from the start) without touching any replica.
    public static func snapshot(from hub: any HubAPI, pageSize: Int = 5000) async throws -> [PullPage] {
        var pages: [PullPage] = []
        var cursor: String?
        while true {
            let page = try await hub.pull(since: cursor, limit: pageSize, wait: 0)
            pages.append(page)
            cursor = page.cursor
            if !page.hasMore { return pages }
        }
    }
}
