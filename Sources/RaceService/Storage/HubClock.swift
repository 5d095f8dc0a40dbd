import Foundation
public import SyncCore
import Synchronization

/// The hub's hybrid logical clock and wall clock: stamps for the ops the hub makes itself (REST
/// writes), moved past every accepted op's stamp. Never waits (see `HybridClock`). PostgreSQL
/// instances share one clock through the log head (`PostgresHubStore` observes it in every write).
public final class HubClock: Sendable {
    /// The hub's node name in HLC stamps (the same on every instance).
    public static let nodeName = "hub"

    private let clock: Mutex<HybridClock>
    /// Milliseconds since 1970 (tests pass a fixed or stepping clock).
    public let now: @Sendable () -> Int64

    /// A clock whose stamps come after `last` (the newest stamp the store holds).
    public init(last: HLC? = nil, now: @escaping @Sendable () -> Int64 = WallClock.nowMs) {
        self.clock = Mutex(HybridClock(node: Self.nodeName, last: last))
        self.now = now
    }

    /// A new stamp for an op the hub makes.
    public func stamp() -> HLC { clock.withLock { $0.tick(now: now()) } }

    /// Moves the clock past `remote`.
    public func observe(_ remote: HLC) { clock.withLock { $0.receive(remote, now: now()) } }

    /// The last stamp.
    public var last: HLC { clock.withLock { $0.last } }
}
