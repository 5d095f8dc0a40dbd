public import Foundation
public import RaceService
public import SyncCore

/// The replica from async code (the node loop, its pages, login): `ReplicaStore`'s operations,
/// each run on the replica's store threads (`Offload.replica`), the same adapter the hub's
/// SQLite backend uses for its reads. No call site hops threads by hand, and none blocks
/// Swift's cooperative pool on a disk. racecli, a short-lived command, calls `ReplicaStore`
/// directly.
public struct AsyncReplica: Sendable {
    public let store: ReplicaStore

    public func session() async throws -> ReplicaSession? { try await run { try $0.session() } }
    public func cursor() async throws -> String? { try await run { try $0.cursor() } }
    public func lastSyncAt() async throws -> Date? { try await run { try $0.lastSyncAt() } }
    public func markSynced() async throws { try await run { try $0.markSynced() } }

    public func login(_ session: ReplicaSession, snapshot: [PullPage]) async throws {
        try await run { try $0.login(session, snapshot: snapshot) }
    }
    public func login(_ session: ReplicaSession, snapshotFile: String) async throws {
        try await run { try $0.login(session, snapshotFile: snapshotFile) }
    }

    @discardableResult
    public func enqueue(_ kind: OpKind, race: UUID) async throws -> Op {
        try await run { try $0.enqueue(kind, race: race) }
    }
    public func pendingOps(limit: Int = Int.max) async throws -> [Op] {
        try await run { try $0.pendingOps(limit: limit) }
    }
    /// Records a push's answers and observes the hub's clock, in that order.
    public func record(_ results: [OpResult], for ops: [Op], hubClock: HLC) async throws {
        try await run { store in
            try store.record(results, for: ops)
            try store.observe(hubClock)
        }
    }
    public func apply(_ page: PullPage) async throws { try await run { try $0.apply(page) } }

    public func rejectedOps() async throws -> [RejectedOp] { try await run { try $0.rejectedOps() } }
    public func overriddenOps() async throws -> [OverriddenOp] { try await run { try $0.overriddenOps() } }
    @discardableResult
    public func dismissNotice(_ opID: UUID) async throws -> Bool { try await run { try $0.dismissNotice(opID) } }
    public func raceNames(_ ids: Set<UUID>) async throws -> [UUID: String] { try await run { try $0.raceNames(ids) } }
    public func racePage(_ id: UUID) async throws -> RacePageData? { try await run { try $0.racePage(id) } }
    public func frontPage() async throws -> FrontPageData { try await run { try $0.frontPage() } }

    private func run<T: Sendable>(_ body: @escaping @Sendable (ReplicaStore) throws -> T) async throws -> T {
        let store = self.store
        return try await Offload.replica.run { try body(store) }
    }
}

extension ReplicaStore {
    /// This replica's async face (see `AsyncReplica`).
    public var async: AsyncReplica { AsyncReplica(store: self) }
}
