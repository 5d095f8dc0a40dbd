/// The send and receive rules of a hybrid logical clock, as a pure value.
///
/// The wall time is always passed in (`now`, milliseconds since the epoch), so the rules
/// are tested without a real clock. When the counter would pass 65535 within one millisecond
/// the clock refuses (`CounterExhausted`) and the caller waits for the wall clock to move.
public struct HybridClock: Sendable, Equatable {
    /// The last stamp issued or observed.
    public private(set) var last: HLC
    /// The node name put on issued stamps.
    public let node: String

    /// Thrown when 65536 events fall into one millisecond: wait for `now` to advance.
    public struct CounterExhausted: Error, Equatable {}

    public init(node: String, last: HLC? = nil) {
        self.node = node
        self.last = last ?? HLC(wallMs: 0, counter: 0, node: node)
    }

    /// A local event (or send): `l' = max(l, now)`, counter +1 if `l'` equals `l`, else 0.
    public mutating func tick(now: Int64) throws(CounterExhausted) -> HLC {
        let wall = max(last.wallMs, now)
        let counter: UInt16
        if wall == last.wallMs {
            guard last.counter < UInt16.max else { throw CounterExhausted() }
            counter = last.counter + 1
        } else {
            counter = 0
        }
        last = HLC(wallMs: wall, counter: counter, node: node)
        return last
    }

    /// Observes a remote stamp: `l' = max(l, remote.l, now)`, counter from the terms that tie.
    public mutating func receive(_ remote: HLC, now: Int64) throws(CounterExhausted) {
        let wall = max(last.wallMs, remote.wallMs, now)
        let counter: Int
        switch (wall == last.wallMs, wall == remote.wallMs) {
        case (true, true): counter = Int(max(last.counter, remote.counter)) + 1
        case (true, false): counter = Int(last.counter) + 1
        case (false, true): counter = Int(remote.counter) + 1
        case (false, false): counter = 0
        }
        guard counter <= Int(UInt16.max) else { throw CounterExhausted() }
        last = HLC(wallMs: wall, counter: UInt16(counter), node: node)
    }
}
