import Foundation
import TestSupport
import Testing

@testable import SyncCore

@Suite struct HLCTests {
    @Test func ordersByWallThenCounterThenNode() {
        let a = HLC(wallMs: 10, counter: 5, node: "z")
        let b = HLC(wallMs: 11, counter: 0, node: "a")
        let c = HLC(wallMs: 11, counter: 1, node: "a")
        let d = HLC(wallMs: 11, counter: 1, node: "b")
        #expect(a < b && b < c && c < d)
        #expect(!(d < a))
    }

    @Test func tickFollowsTheWallClockAndCountsWithinAMillisecond() throws {
        var clock = HybridClock(node: "n1")
        let first = clock.tick(now: 1000)
        #expect(first == HLC(wallMs: 1000, counter: 0, node: "n1"))
        let second = clock.tick(now: 1000)
        #expect(second == HLC(wallMs: 1000, counter: 1, node: "n1"))
        let third = clock.tick(now: 999)  // wall clock stepped back
        #expect(third == HLC(wallMs: 1000, counter: 2, node: "n1"))
        let fourth = clock.tick(now: 1005)
        #expect(fourth == HLC(wallMs: 1005, counter: 0, node: "n1"))
    }

    @Test func receiveTakesTheMaximumAndCountsFromTies() throws {
        var clock = HybridClock(node: "a", last: HLC(wallMs: 100, counter: 3, node: "a"))
        clock.receive(HLC(wallMs: 100, counter: 7, node: "b"), now: 50)
        #expect(clock.last == HLC(wallMs: 100, counter: 8, node: "a"))
        clock.receive(HLC(wallMs: 200, counter: 2, node: "b"), now: 150)
        #expect(clock.last == HLC(wallMs: 200, counter: 3, node: "a"))
        clock.receive(HLC(wallMs: 10, counter: 9, node: "b"), now: 300)
        #expect(clock.last == HLC(wallMs: 300, counter: 0, node: "a"))
        clock.receive(HLC(wallMs: 10, counter: 9, node: "b"), now: 250)
        #expect(clock.last == HLC(wallMs: 300, counter: 1, node: "a"))
    }

    @Test func stampsAfterReceiveExceedTheRemote() throws {
        var rng = SeededGenerator(seed: 42)
        var clock = HybridClock(node: "n")
        for _ in 0..<5000 {
            let remote = HLC(
                wallMs: Int64.random(in: 0...5000, using: &rng), counter: UInt16.random(in: 0...100, using: &rng),
                node: "r")
            let now = Int64.random(in: 0...5000, using: &rng)
            let before = clock.last
            clock.receive(remote, now: now)
            let stamp = clock.tick(now: now)
            #expect(stamp > remote)
            #expect(stamp > before)
        }
    }

    @Test func counterOverflowMovesTheWallForwardLogicallyInsteadOfWaiting() {
        var clock = HybridClock(node: "n", last: HLC(wallMs: 500, counter: .max, node: "n"))
        #expect(clock.tick(now: 500) == HLC(wallMs: 501, counter: 0, node: "n"))
        #expect(clock.tick(now: 400) == HLC(wallMs: 501, counter: 1, node: "n"))
        var receiving = HybridClock(node: "n", last: HLC(wallMs: 500, counter: 1, node: "n"))
        receiving.receive(HLC(wallMs: 500, counter: .max, node: "x"), now: 400)
        #expect(receiving.last == HLC(wallMs: 501, counter: 0, node: "n"))
        #expect(receiving.last > HLC(wallMs: 500, counter: .max, node: "x"))
    }

    @Test func aBurstOfMaximalRemoteStampsStaysStrictlyIncreasingWithoutWaiting() {
        // What a hostile node can push: each op 59 s ahead with counter 65535.
        var clock = HybridClock(node: "hub")
        var previous = clock.last
        for step in 0..<10_000 {
            let remote = HLC(wallMs: 1_000_000 + Int64(step % 3), counter: .max, node: "evil")
            clock.receive(remote, now: 1_000)
            #expect(clock.last > remote && clock.last > previous)
            previous = clock.last
            let stamp = clock.tick(now: 1_000)
            #expect(stamp > previous)
            previous = stamp
        }
        #expect(clock.last.wallMs <= 1_000_000 + 10_000 * 2)
    }

    @Test func outOfRangeNumbersNameTheirField() throws {
        let op =
            #"{"op_id":"6f1c1d2e-0000-4000-8000-000000000001","kind":"caster.join","race_id":"6f1c1d2e-0000-4000-8000-000000000002","user_id":"6f1c1d2e-0000-4000-8000-000000000003","hlc":{"wall_ms":WALL,"counter":COUNTER,"node":"n"}}"#
        for (wall, counter, field) in [
            ("147573952589676412928", "0", "wall_ms"), ("253402300800000", "0", "wall_ms"), ("-5", "0", "wall_ms"),
            ("1", "1e30", "counter"), ("1", "65536", "counter"), ("1.5", "0", "wall_ms"),
        ] {
            let body =
                #"{"node_id":"n","ops":["#
                + op.replacingOccurrences(of: "WALL", with: wall).replacingOccurrences(of: "COUNTER", with: counter)
                + "]}"
            do {
                _ = try WireJSON.decode(PushRequest.self, from: Data(body.utf8))
                Issue.record("\(wall)/\(counter) should be refused")
            } catch {
                let message = WireJSON.describe(error)
                #expect(
                    message.contains("ops[0].hlc.\(field)") && message.contains("must be an integer in"), "\(message)")
            }
        }
        let wrongType = #"{"wall_ms":"soon","counter":0,"node":"n"}"#
        #expect(throws: DecodingError.self) { try WireJSON.decode(HLC.self, from: Data(wrongType.utf8)) }
    }

    @Test func codableInTheContractShape() throws {
        let hlc = HLC(wallMs: 1_700_000_000_000, counter: 3, node: "node-1")
        let json = String(decoding: try WireJSON.encode(hlc), as: UTF8.self)
        #expect(json == #"{"counter":3,"node":"node-1","wall_ms":1700000000000}"#)
        #expect(try WireJSON.decode(HLC.self, from: Data(json.utf8)) == hlc)
        for bad in [
            #"{"wall_ms":1,"counter":70000,"node":"a"}"#, #"{"wall_ms":-1,"counter":0,"node":"a"}"#,
            #"{"wall_ms":1,"counter":0,"node":""}"#,
        ] {
            #expect(throws: DecodingError.self) { try WireJSON.decode(HLC.self, from: Data(bad.utf8)) }
        }
    }
}

@Suite struct BackoffTests {
    @Test func doublesFromTheBaseUpToTheCapWithFullJitter() {
        let backoff = Backoff(baseSeconds: 1, capSeconds: 5)
        #expect((0...6).map { backoff.ceiling(failures: $0) } == [0, 1, 2, 4, 5, 5, 5])
        #expect(backoff.delay(failures: 3, unit: 0) == 0)
        #expect(backoff.delay(failures: 3, unit: 0.5) == 2)
        #expect(backoff.delay(failures: 100, unit: 1) == 5)
        #expect(Backoff().ceiling(failures: 100) == 60)
    }
}
