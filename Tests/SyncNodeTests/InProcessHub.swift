import Foundation
import RaceService
import StoreTestSupport
import TestSupport

@testable import SyncCore
@testable import SyncNode
@testable import SyncStore

/// `HubAPI` straight onto a `HubStore`, through the same wire encoding as HTTP, for tests
/// that drive many replicas without sockets. `online` simulates a partition.
final class InProcessHub: HubAPI, @unchecked Sendable {
    let store: HubStore
    let user: User
    var online = true

    init(store: HubStore, user: User) {
        self.store = store
        self.user = user
    }

    private func check() throws {
        if !online { throw HubClientError.unreachable("partitioned (test)") }
    }

    func me() async throws -> User {
        try check()
        return user
    }

    func push(_ request: PushRequest) async throws -> PushResponse {
        try check()
        let wire = try WireJSON.decode(PushRequest.self, from: try WireJSON.encode(request))
        let response = try await store.hub.push(wire.ops, caller: user.id)
        return try WireJSON.decode(PushResponse.self, from: try WireJSON.encode(response))
    }

    /// Snapshots as the HTTP route builds them (`snapshots = false`: a hub without the route).
    var snapshots = true

    func snapshot(to path: String) async throws -> Bool {
        try check()
        guard snapshots else { return false }
        _ = try store.writeSnapshot(to: path)
        return true
    }

    func pull(since cursor: String?, limit: Int, wait: Int) async throws -> PullPage {
        try check()
        let batch = try store.pull(since: cursor.flatMap(PullCursor.init), limit: limit)
        return try WireJSON.decode(PullPage.self, from: batch.json())
    }
}

/// A replica on a temp file, logged in through an in-process hub, with its own wall clock.
final class ReplicaFixture: @unchecked Sendable {
    let store: ReplicaStore
    let hub: InProcessHub

    init(dir: TempDir, name: String, hubStore: HubStore, user: User, offsetMs: Int64 = 0, base: ManualClock)
        async throws
    {
        store = try ReplicaStore(path: dir.file("\(name).sqlite"), now: { base.now + offsetMs })
        hub = InProcessHub(store: hubStore, user: user)
        let store = self.store
        _ = try await ReplicaLogin.run(
            replicaPath: store.path, hub: hub,
            session: ReplicaSession(hub: "http://in-process", token: "t", user: user), open: { store })
    }

    @discardableResult
    func sync() async throws -> SyncReport {
        try await SyncRound(store: store, hub: hub).run()
    }

    func casters(_ race: UUID) throws -> [String] {
        try store.detail(race)?.casters.map(\.user.twitchUsername) ?? []
    }
}
