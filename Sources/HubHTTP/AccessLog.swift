import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The hub's access log: one line per request, written off the request path.
///
/// A request only formats its line (a few appends, no `String(format:)`, no locale, the
/// timestamp shared by every line of the same second) into a buffer; a background task
/// (`run`) writes the buffer to standard error every 100 ms in one `write(2)`. The buffer is
/// bounded: past `capacity` bytes waiting, lines are dropped and counted, and the next write
/// says how many, so a flood of requests can make the log lossy but never slow or big.
/// The line names the path alone (a query can carry an OAuth code or a login link's token)
/// and no header; bytes outside printable ASCII in the path are written as `?`.
public final class AccessLog: Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        var second = -1
        var stamp: [UInt8] = []
    }

    private let pending = Mutex(Pending())
    private let capacity: Int
    private let label: [UInt8]
    private let sink: @Sendable ([UInt8]) -> Void

    /// - Parameters:
    ///   - label: the logger label the lines carry, as the other log lines do.
    ///   - capacity: bytes that may wait for the next write before lines are dropped.
    ///   - sink: where a batch of lines goes (standard error unless a test says otherwise).
    public init(
        label: String = "racesync.hub", capacity: Int = 1 << 20,
        sink: @escaping @Sendable ([UInt8]) -> Void = AccessLog.standardError
    ) {
        self.label = Array(" info \(label): ".utf8)
        self.capacity = capacity
        self.sink = sink
    }

    /// Records one request: `GET /path 200 1.2ms`, with its request id when there is one.
    public func record(method: String, path: String, status: Int, elapsed: Duration, requestID: String?) {
        let microseconds = Self.microseconds(elapsed)
        let now = time(nil)
        pending.withLock { pending in
            guard pending.bytes.count < capacity else {
                pending.dropped += 1
                return
            }
            if now != pending.second {
                pending.second = now
                pending.stamp = Self.timestamp(now)
            }
            pending.bytes += pending.stamp
            pending.bytes += label
            if let requestID {
                pending.bytes += Self.requestIDKey
                Self.appendPrintable(requestID.utf8.prefix(64), to: &pending.bytes)
                pending.bytes += Self.component
            }
            pending.bytes += method.utf8
            pending.bytes.append(UInt8(ascii: " "))
            Self.appendPrintable(path.utf8.prefix(Self.maxPath), to: &pending.bytes)
            pending.bytes.append(UInt8(ascii: " "))
            Self.appendDecimal(status, to: &pending.bytes)
            pending.bytes.append(UInt8(ascii: " "))
            Self.appendMilliseconds(microseconds, to: &pending.bytes)
            pending.bytes += Self.lineEnd
        }
    }

    /// Writes what waits, and a note of lines dropped since the last write.
    public func flush() {
        let (bytes, dropped) = pending.withLock { pending in
            defer {
                pending.bytes.removeAll(keepingCapacity: true)
                pending.dropped = 0
            }
            return (pending.bytes, pending.dropped)
        }
        var batch = bytes
        if dropped > 0 {
            batch +=
                Self.timestamp(time(nil))
                + Array(" warning racesync.hub: access log dropped \(dropped) lines (full)\n".utf8)
        }
        if !batch.isEmpty { sink(batch) }
    }

    /// Writes every 100 ms until the task is cancelled (the hub stops), then once more.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            flush()
        }
        flush()
    }

    /// Writes `bytes` to standard error, whole (a short write is continued; an error drops the rest).
    public static let standardError: @Sendable ([UInt8]) -> Void = { bytes in
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    static let maxPath = 512
    private static let requestIDKey = Array("hb.request.id=".utf8)
    private static let component = Array(" [HubHTTP] ".utf8)
    private static let lineEnd = Array("ms\n".utf8)

    /// Whole microseconds of `elapsed`, clamped at zero and below a day (no overflow).
    static func microseconds(_ elapsed: Duration) -> Int {
        let (seconds, attoseconds) = elapsed.components
        guard seconds >= 0 else { return 0 }
        guard seconds < 86_400 else { return 86_400_000_000 }
        return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
    }

    /// `2026-12-02T22:42:27+0000`, local time, as the hub's other log lines have it.
    static func timestamp(_ seconds: time_t) -> [UInt8] {
        var moment = seconds
        var parts = tm()
        localtime_r(&moment, &parts)
        var text = [Int8](repeating: 0, count: 32)
        let count = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return text.prefix(count).map { UInt8(bitPattern: $0) }
    }

    static func appendPrintable(_ bytes: some Sequence<UInt8>, to line: inout [UInt8]) {
        for byte in bytes { line.append((0x21...0x7E).contains(byte) ? byte : UInt8(ascii: "?")) }
    }

    static func appendDecimal(_ value: Int, to line: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value.magnitude
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if value < 0 { line.append(UInt8(ascii: "-")) }
        line += digits.reversed()
    }

    /// `microseconds` as milliseconds with one decimal (`1234` → `1.2`).
    static func appendMilliseconds(_ microseconds: Int, to line: inout [UInt8]) {
        let tenths = microseconds / 100
        appendDecimal(tenths / 10, to: &line)
        line.append(UInt8(ascii: "."))
        line.append(UInt8(ascii: "0") + UInt8(tenths % 10))
    }
}
