import Foundation
import TestSupport
import Testing

@testable import SyncCore

@Suite struct TimestampTests {
    @Test func formatsWithMillisecondsInUTC() {
        #expect(Timestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(milliseconds: 1_790_000_000_123) == "2026-09-21T14:13:20.123Z")
        #expect(Timestamp.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test func roundTrips() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &rng)
            let parsed = try #require(Timestamp.parse(Timestamp.format(milliseconds: ms)))
            #expect(Timestamp.milliseconds(parsed) == ms)
        }
    }

    @Test func parsesOffsetsAndFractions() throws {
        let a = try #require(Timestamp.parse("2026-11-26T05:00:00+01:00"))
        #expect(Timestamp.format(a) == "2026-11-26T04:00:00.000Z")
        let b = try #require(Timestamp.parse("2026-11-26T04:00:00.5Z"))
        #expect(Timestamp.milliseconds(b) % 1000 == 500)
    }

    @Test(arguments: [
        "", "2026-11-26", "2026-13-01T00:00:00Z", "2026-11-26T00:00:00", "2026-11-26T00:00:00.Z",
        "garbage-that-is-long-enough",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}

@Suite struct HTTPDateTests {
    @Test func parsesTheThreeFormsOfRFC9110() {
        let expected = Date(timeIntervalSince1970: 784_111_777)
        #expect(Timestamp.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(Timestamp.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(Timestamp.parseHTTPDate("Sun Nov  6 08:49:37 1994") == expected)
    }

    @Test(arguments: [
        "Thu, 01 Mar 999999999999 00:00:00 GMT", "Thu, 01 Mar -2026 00:00:00 GMT", "Thu, -1 Mar 2026 00:00:00 GMT",
        "Thu, 99999999999999999999 Mar 2026 00:00:00 GMT", "Thu, 01 Mar 2026 99999999999999999999:00:00 GMT",
        "Thu, 01 Mar 2026 -1:-1:-1 GMT", "Thu, 01 Foo 2026 00:00:00 GMT", "Thu, 01 Mar 2026 00:00:00 PST",
        "", "GMT", String(repeating: "9", count: 10_000), "Thu, 01 Mar 10000 00:00:00 GMT",
    ])
    func refusesAbsurdDatesWithoutTrapping(_ text: String) {
        #expect(Timestamp.parseHTTPDate(text) == nil)
    }

    @Test func extremeDatesFormatWithoutTrapping() {
        #expect(Timestamp.milliseconds(Date(timeIntervalSince1970: .infinity)) > 0)
        #expect(Timestamp.milliseconds(Date(timeIntervalSince1970: .nan)) == 0)
        _ = Timestamp.rfc1123(Date.distantFuture)
        _ = Timestamp.format(Date(timeIntervalSince1970: -1e15))
    }
}
