/// The send and receive rules of a hybrid logical clock, as a pure value.
///
/// The wall time is always passed in (`now`, milliseconds since the epoch), so the rules
/// are tested without a real clock. The clock never waits: when the counter would pass 65535
/// within one millisecond, `wall_ms` moves forward by 1 ms logically and the counter restarts
/// at 0. Stamps stay strictly increasing, and no caller ever sleeps for the wall clock (a
/// sleeping writer would let any client stall the hub).
public struct HybridClock: Sendable, Equatable {
    /// The last stamp issued or observed.
    public private(set) var last: HLC
    /// The node name put on issued stamps.
    public let node: String

    public init(node: String, last: HLC? = nil) {
        self.node = node
        self.last =
            last.map { HLC(wallMs: $0.wallMs, counter: $0.counter, node: node) }
            ?? HLC(wallMs: 0, counter: 0, node: node)
    }

    /// A local event (or send): `l' = max(l, now)`, counter +1 if `l'` equals `l`, else 0.
    public mutating func tick(now: Int64) -> HLC {
        let wall = max(last.wallMs, now)
        last = Self.stamp(wall: wall, counter: wall == last.wallMs ? Int(last.counter) + 1 : 0, node: node)
        return last
    }

    /// Observes a remote stamp: `l' = max(l, remote.l, now)`, counter from the terms that tie.
    public mutating func receive(_ remote: HLC, now: Int64) {
        let wall = max(last.wallMs, remote.wallMs, now)
        let counter: Int
        switch (wall == last.wallMs, wall == remote.wallMs) {
        case (true, true): counter = Int(max(last.counter, remote.counter)) + 1
        case (true, false): counter = Int(last.counter) + 1
        case (false, true): counter = Int(remote.counter) + 1
        case (false, false): counter = 0
        }
        last = Self.stamp(wall: wall, counter: counter, node: node)
    }

    /// `(wall, counter)`, carrying a counter past 65535 into the next millisecond.
    static func stamp(wall: Int64, counter: Int, node: String) -> HLC {
        guard counter > Int(UInt16.max) else { return HLC(wallMs: wall, counter: UInt16(counter), node: node) }
        guard wall < Int64.max else { return HLC(wallMs: wall, counter: .max, node: node) }
        return HLC(wallMs: wall + 1, counter: 0, node: node)
    }
}
