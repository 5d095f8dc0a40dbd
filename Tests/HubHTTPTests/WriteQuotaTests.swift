import Foundation
import Synchronization
import Testing

@testable import HubHTTP

/// Per-user write limits: token buckets for ops and for new races, 429 with Retry-After,
/// nothing of a refused request applied (CONTRACT §6).
@Suite struct WriteQuotaTests {
    /// A clock the test moves.
    final class Clock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex(Duration.zero)
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
    }

    func retryAfter(_ body: () throws -> Void) -> Int? {
        do {
            try body()
            return nil
        } catch let error as APIError {
            #expect(error.status == .tooManyRequests)
            return error.retryAfter
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func opsRefillAtTheirRateAfterABurstOfOneFullPush() {
        let clock = Clock()
        let quota = WriteQuota(opsPerMinute: 600, racesPerDay: 0, now: { clock.now })
        let alice = UUID()
        let bob = UUID()
        #expect(retryAfter { try quota.take(ops: 1000, user: alice) } == nil)
        #expect(retryAfter { try quota.take(ops: 10, user: alice) } == 1)
        #expect(retryAfter { try quota.take(ops: 1000, user: bob) } == nil, "users have buckets of their own")
        clock.advance(.seconds(1))
        #expect(retryAfter { try quota.take(ops: 10, user: alice) } == nil)
        #expect(retryAfter { try quota.take(ops: 600, user: alice) } == 60)
        clock.advance(.seconds(60))
        #expect(retryAfter { try quota.take(ops: 600, user: alice) } == nil)
    }

    @Test func racesPerDayAndZeroTurnsALimitOff() {
        let clock = Clock()
        let quota = WriteQuota(opsPerMinute: 0, racesPerDay: 2, now: { clock.now })
        let org = UUID()
        #expect(retryAfter { try quota.take(ops: 1, createsRace: true, user: org) } == nil)
        #expect(retryAfter { try quota.take(ops: 1, createsRace: true, user: org) } == nil)
        #expect(retryAfter { try quota.take(ops: 1, createsRace: true, user: org) } == 43_200)
        #expect(retryAfter { try quota.take(ops: 100_000, user: org) } == nil, "ops are not limited at 0")
        clock.advance(.seconds(43_200))
        #expect(retryAfter { try quota.take(ops: 1, createsRace: true, user: org) } == nil)
    }

    /// Through the routes: over the limit is 429 with Retry-After and nothing is written.
    @Test func overTheLimitNothingIsApplied() async throws {
        let harness = try await HubHarness()
        let quota = WriteQuota(opsPerMinute: 1, racesPerDay: 1)
        try await harness.run(quota: quota) { client in
            let first = try await client.call(.post, "/api/races", as: "org", json: ["name": "one"])
            #expect(first.status == 201)
            let second = try await client.call(.post, "/api/races", as: "org", json: ["name": "two"])
            #expect(second.status == 429)
            #expect(second.headers[.retryAfter].flatMap(Int.init).map { $0 > 3600 } == true)
            #expect(second.detail?.contains("races per day") == true)
            #expect(try await client.call(.get, "/api/races").array.count == 1)
            let race = first.object["id"] as! String
            // One full push of 1000 ops always fits; the next op does not, and changes nothing.
            let user = harness.ids["alice"]!.uuidString.lowercased()
            let ops = (0..<1000).map { i in
                [
                    "op_id": UUID().uuidString, "kind": i % 2 == 0 ? "caster.join" : "caster.leave", "race_id": race,
                    "user_id": user,
                    "hlc": ["wall_ms": 1_790_000_000_000 + i, "counter": 0, "node": "n1"],
                ] as [String: Any]
            }
            #expect(
                try await client.call(.post, "/api/sync/push", as: "alice", json: ["node_id": "n1", "ops": ops]).status
                    == 200)
            let join = try await client.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            #expect(join.status == 429 && join.headers[.retryAfter] != nil)
            #expect((try await client.call(.get, "/api/races/\(race)").object["casters"] as? [Any])?.isEmpty == true)
        }
    }
}
