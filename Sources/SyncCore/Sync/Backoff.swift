/// Capped exponential backoff with full jitter: after `failures` failed attempts in a row the
/// next wait is uniform in `0 ... min(cap, base * 2^(failures-1))`.
public struct Backoff: Sendable, Equatable {
    public var baseSeconds: Double = 1
    public var capSeconds: Double = 60

    public init(baseSeconds: Double = 1, capSeconds: Double = 60) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// The ceiling of the wait after `failures` failures (0 failures: no wait).
    public func ceiling(failures: Int) -> Double {
        guard failures > 0 else { return 0 }
        let exponent = Double(min(failures - 1, 30))
        return min(capSeconds, baseSeconds * pow2(exponent))
    }

    /// The wait for a given `unit` random draw in 0...1 (injected so it is testable).
    public func delay(failures: Int, unit: Double) -> Double {
        ceiling(failures: failures) * min(max(unit, 0), 1)
    }

    private func pow2(_ x: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(x) { result *= 2 }
        return result
    }
}
