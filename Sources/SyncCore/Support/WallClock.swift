import Foundation

/// The real wall clock, in milliseconds since the Unix epoch. Injected wherever time is
/// read, so tests can put in their own.
public enum WallClock {
    public static let nowMs: @Sendable () -> Int64 = { Timestamp.milliseconds(Date()) }
}
