import Foundation
import Testing

@testable import HubHTTP
@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

/// Raw-bytes fuzz of the sync bodies and of the Helix parser: clear errors, no crash, no 5xx,
/// nothing written by a refused request.
@Suite struct FuzzTests {
    static func mutations(of valid: String, count: Int, seed: UInt64) -> [String] {
        var rng = FuzzRNG(seed: seed)
        let bytes = Array(valid.utf8)
        let junk = Array("{}[]\",:0123456789-.eEtruefalsenull\\ \u{0}\u{7f}".utf8)
        return (0..<count).map { _ in
            var b = bytes
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))  // truncated
            case 1:  // flipped bytes
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    b[Int.random(in: 0..<b.count, using: &rng)] = junk.randomElement(using: &rng)!
                }
            case 2:
                b.insert(contentsOf: junk.shuffled(using: &rng).prefix(5), at: Int.random(in: 0...b.count, using: &rng))
            case 3:  // noise
                b = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 4:
                b = Array(
                    "{\"node_id\":\"n\",\"ops\":[\(String(repeating: "1,", count: Int.random(in: 0...5000, using: &rng)))1]}"
                        .utf8)
            default: b = Array(valid.replacingOccurrences(of: "\"counter\":0", with: "\"counter\":\"zero\"").utf8)
            }
            return String(decoding: b, as: UTF8.self)
        }
    }

    @Test func pushAndPullNeverFailWith5xxNorWriteOnRefusal() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let op = hub.op(race: race, user: "alice", wallMs: Timestamp.milliseconds(Date()))
            let valid = String(
                decoding: try JSONSerialization.data(withJSONObject: ["node_id": "n", "ops": [op, op]]), as: UTF8.self)
            var statuses: [Int: Int] = [:]
            for body in Self.mutations(of: valid, count: 400, seed: 7) {
                let before = try hub.store.pull(since: nil, limit: 5000).entries.count
                let reply = try await c.call(.post, "/api/sync/push", as: "alice", raw: body)
                statuses[reply.status, default: 0] += 1
                #expect(reply.status < 500, "\(body.prefix(120))")
                #expect(reply.detail != nil || reply.status == 200)
                if reply.status != 200 {
                    #expect(try hub.store.pull(since: nil, limit: 5000).entries.count == before)
                }
            }
            #expect(statuses[422, default: 0] > 100)
            var rng = FuzzRNG(seed: 9)
            for _ in 0..<200 {
                let junk = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                    "abc.-%25%00%ff0123456789&=;"[Int.random(in: 0..<27, using: &rng)]
                }
                let reply = try await c.call(
                    .get, "/api/sync/pull?since=\(String(junk))&limit=\(Int.random(in: -5...6000, using: &rng))",
                    as: "alice")
                #expect(reply.status < 500)
            }
        }
    }

    @Test func helixParserRejectsGarbageCleanly() throws {
        let valid =
            #"{"data":[{"id":"1","user_login":"a","user_name":"A","type":"live","title":"t","started_at":"2021-03-10T03:18:11Z"}],"pagination":{"cursor":"x"}}"#
        var parsed = 0
        for body in Self.mutations(of: valid, count: 2000, seed: 11) + [
            #"{"data":"#, #"{"data":[1,2,3]}"#, "[]", "null", #"{"data":[{"id":1}]}"#,
        ] {
            do {
                _ = try WireJSON.decoder().decode(HelixClient.Page.self, from: Data(body.utf8))
                parsed += 1
            } catch {
                #expect(!WireJSON.describe(error).isEmpty)
            }
        }
        #expect(parsed < 2000)
    }
}

/// A deterministic generator for the fuzz inputs.
struct FuzzRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

extension String {
    subscript(offset: Int) -> Character { self[index(startIndex, offsetBy: offset)] }
}
