import Foundation
import HubHTTP
import Synchronization
import Testing

/// The access log: one cheap line per request, written in batches, bounded, never the query.
@Suite struct AccessLogTests {
    /// What the log wrote, batch by batch.
    final class Written: Sendable {
        let batches = Mutex<[String]>([])
        var all: String { batches.withLock { $0.joined() } }
        var sink: @Sendable ([UInt8]) -> Void {
            { bytes in self.batches.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        }
    }

    @Test func aRequestIsOneLineWithPathStatusAndDurationButNeverTheQuery() async throws {
        let written = Written()
        let log = AccessLog(sink: written.sink)
        let hub = try await HubHarness()
        try await hub.run(accessLog: log) { client in
            let health = try await client.call(.get, "/healthz")
            let unknown = try await client.call(.get, "/api/races/not-a-uuid?token=s3cret-query")
            #expect(health.status == 200 && unknown.status == 422)
        }
        #expect(written.all.isEmpty, "nothing is written on the request path")
        log.flush()
        let lines = written.all.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        let line = try #require(lines.first)
        #expect(line.contains(" info racesync.hub: hb.request.id="), "\(line)")
        #expect(
            line.range(of: #"\[HubHTTP\] GET /healthz 200 \d+\.\dms$"#, options: .regularExpression) != nil, "\(line)")
        #expect(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} "#, options: .regularExpression) != nil)
        #expect(lines[1].contains("GET /api/races/not-a-uuid 422 "))
        #expect(!written.all.contains("s3cret-query"))
        log.flush()
        #expect(written.batches.withLock { $0.count } == 1, "an empty buffer writes nothing")
    }

    @Test func aPathCannotForgeALineAndIsCutAtItsLimit() {
        let written = Written()
        let log = AccessLog(sink: written.sink)
        log.record(
            method: "GET", path: "/a\nb c\u{1B}[31m/é", status: 404, elapsed: .microseconds(1250), requestID: nil)
        log.record(
            method: "GET", path: "/" + String(repeating: "x", count: 5000), status: 200, elapsed: .zero,
            requestID: "id\n1")
        log.flush()
        let lines = written.all.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 3 && lines[2].isEmpty, "two lines and the final newline: \(lines)")
        #expect(lines[0].hasSuffix("GET /a?b?c?[31m/?? 404 1.2ms"), "\(lines[0])")
        #expect(lines[1].contains("hb.request.id=id?1 "))
        #expect(lines[1].contains(" /" + String(repeating: "x", count: 511) + " 200 0.0ms"))
    }

    @Test func aFullBufferDropsLinesAndSaysHowMany() {
        let written = Written()
        let log = AccessLog(capacity: 200, sink: written.sink)
        for _ in 0..<50 {
            log.record(method: "GET", path: "/healthz", status: 200, elapsed: .milliseconds(1), requestID: nil)
        }
        log.flush()
        let text = written.all
        let kept = text.components(separatedBy: "GET /healthz").count - 1
        #expect(kept >= 1 && kept < 50)
        #expect(text.contains("access log dropped \(50 - kept) lines (full)"), "\(text)")
        log.record(method: "GET", path: "/healthz", status: 200, elapsed: .milliseconds(1), requestID: nil)
        log.flush()
        #expect(!written.batches.withLock { $0.last ?? "" }.contains("dropped"), "the count starts again")
    }

    @Test func durationsAreTotal() {
        let written = Written()
        let log = AccessLog(sink: written.sink)
        log.record(method: "GET", path: "/", status: 200, elapsed: .seconds(-5), requestID: nil)
        log.record(method: "GET", path: "/", status: 200, elapsed: .seconds(Int64.max), requestID: nil)
        log.record(method: "GET", path: "/", status: 200, elapsed: .milliseconds(61_234.56), requestID: nil)
        log.flush()
        let lines = written.all.split(separator: "\n")
        #expect(
            lines[0].hasSuffix(" 0.0ms") && lines[1].hasSuffix(" 86400000.0ms") && lines[2].hasSuffix(" 61234.5ms"),
            "\(lines)")
    }
}
