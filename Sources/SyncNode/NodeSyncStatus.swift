public import RaceService
import SyncCore
import SyncStore
import Synchronization

/// What the node loop knows about the hub right now, for the node's web pages: whether the
/// last attempt reached it (nil before the first), why not, and a signal that moves after
/// every round, every failed attempt and every local write, so a page re-reads the replica.
public final class NodeSyncStatus: Sendable {
    public struct State: Sendable, Equatable {
        /// nil until the first attempt ends.
        public var reachable: Bool?
        /// Why the last attempt failed, when it did.
        public var problem: String?
    }

    private let state = Mutex(State())
    /// Notified whenever the replica or the state above may have changed.
    public let changes = ChangeSignal()

    public init() {}

    public var current: State { state.withLock { $0 } }

    /// Records a round that reached the hub.
    public func reached() {
        state.withLock { $0 = State(reachable: true, problem: nil) }
        changes.notify()
    }

    /// Records an attempt that did not reach the hub (or that the hub refused).
    public func failed(_ problem: String) {
        state.withLock { $0 = State(reachable: false, problem: problem) }
        changes.notify()
    }

    /// Records a change of the replica that is not a round (a local write, pulled changes).
    public func replicaChanged() { changes.notify() }
}
