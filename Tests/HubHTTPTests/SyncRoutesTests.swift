import Foundation
import SyncCore
import SyncStore
import SyncTwitch
import Testing

@testable import HubHTTP

@Suite struct SyncRoutesTests {
    @Test func mixedBatchGetsOneResultPerOpInOrder() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            _ = try await c.call(
                .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "alice"])
            let now = Timestamp.milliseconds(Date())
            let first = hub.op(race: race, user: "bob", wallMs: now)
            _ = try await c.call(.post, "/api/sync/push", as: "bob", json: ["node_id": "node-b", "ops": [first]])
            let ops: [[String: Any]] = [
                hub.op(race: race, user: "bob", wallMs: now + 5),  // applied
                first,  // duplicate
                hub.op("caster.leave", race: race, user: "bob", wallMs: now - 1000),  // superseded
                hub.op(race: race, user: "alice", wallMs: now + 10),  // rejected 403 (bob pushes for alice)
                hub.op(race: UUID().uuidString.lowercased(), user: "bob"),  // 404
                // 400 future: stamped against the clock at send time (the suite may be busy).
                hub.op(race: race, user: "bob", wallMs: Timestamp.milliseconds(Date()) + 65_000),
            ]
            let reply = try await c.call(.post, "/api/sync/push", as: "bob", json: ["node_id": "node-b", "ops": ops])
            #expect(reply.status == 200)
            let results = try #require(reply.object["results"] as? [[String: Any]])
            #expect(results.map { $0["op_id"] as? String } == ops.map { $0["op_id"] as? String })
            #expect(
                results.map { $0["status"] as? String } == [
                    "applied", "duplicate", "superseded", "rejected", "rejected", "rejected",
                ])
            #expect(results.map { $0["code"] as? Int } == [nil, nil, nil, 403, 404, 400])
            #expect((results[5]["detail"] as? String)?.contains("ahead") == true)
            #expect(results[0]["code"] is NSNull && results[0]["detail"] is NSNull)
            let hlc = try #require(reply.object["hlc"] as? [String: Any])
            #expect(hlc["node"] as? String == "hub")
            #expect(try await c.casters(race) == ["bob"])
            // Re-sending a rejected op gives the first code and detail again.
            let again = try await c.call(
                .post, "/api/sync/push", as: "bob", json: ["node_id": "node-b", "ops": [ops[3]]])
            let repeated = try #require((again.object["results"] as? [[String: Any]])?.first)
            #expect(repeated["status"] as? String == "rejected" && repeated["code"] as? Int == 403)
            #expect(repeated["detail"] as? String == results[3]["detail"] as? String)
        }
    }

    @Test func forgedUserIsRefusedAndChangesNothing() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let forged = hub.op(race: race, user: "alice")
            let reply = try await c.call(
                .post, "/api/sync/push", as: "mallory-free", token: hub.tokens["bob"],
                json: ["node_id": "n", "ops": [forged]])
            #expect((reply.object["results"] as? [[String: Any]])?.first?["code"] as? Int == 403)
            #expect(try await c.casters(race).isEmpty)
            // The organizer may write for others.
            let byOrganizer = try await c.call(
                .post, "/api/sync/push", as: "org", json: ["node_id": "n", "ops": [hub.op(race: race, user: "alice")]])
            #expect((byOrganizer.object["results"] as? [[String: Any]])?.first?["status"] as? String == "applied")
        }
    }

    @Test func malformedPushesAre422AndChangeNothing() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let good = hub.op(race: race, user: "alice")
            var badKind = hub.op(race: race, user: "alice")
            badKind["kind"] = "caster.teleport"
            var badUUID = hub.op(race: race, user: "alice")
            badUUID["race_id"] = "1234"
            var badType = hub.op(race: race, user: "alice")
            badType["hlc"] = "yesterday"
            var missing = hub.op(race: race, user: "alice")
            missing.removeValue(forKey: "op_id")
            let bodies: [Any] = [
                ["node_id": "n", "ops": [good, badKind]],
                ["node_id": "n", "ops": [good, badUUID]],
                ["node_id": "n", "ops": [good, badType]],
                ["node_id": "n", "ops": [good, missing]],
                ["ops": [good]],
                ["node_id": "n", "ops": Array(repeating: good, count: 1001)],
            ]
            for body in bodies {
                let reply = try await c.call(.post, "/api/sync/push", as: "alice", json: body)
                #expect(reply.status == 422, "\(reply.text)")
                #expect(reply.detail?.isEmpty == false)
            }
            let tooMany = try await c.call(.post, "/api/sync/push", as: "alice", json: bodies.last!)
            #expect(tooMany.detail?.contains("1000") == true)
            #expect(try await c.call(.post, "/api/sync/push", as: "alice", raw: "[1,2").status == 422)
            #expect(try await c.casters(race).isEmpty)
            // The good op was not recorded: pushing it now applies it.
            let later = try await c.call(.post, "/api/sync/push", as: "alice", json: ["node_id": "n", "ops": [good]])
            #expect((later.object["results"] as? [[String: Any]])?.first?["status"] as? String == "applied")
        }
    }

    @Test func aThousandOpsFitInOnePush() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let now = Timestamp.milliseconds(Date())
            let ops = (0..<1000).map { i in
                hub.op(i % 2 == 0 ? "caster.join" : "caster.leave", race: race, user: "alice", wallMs: now, counter: i)
            }
            let reply = try await c.call(.post, "/api/sync/push", as: "alice", json: ["node_id": "n", "ops": ops])
            #expect(reply.status == 200)
            #expect((reply.object["results"] as? [Any])?.count == 1000)
            #expect(try await c.casters(race).isEmpty)  // the last (counter 999) is a leave
        }
    }

    @Test func pullPagesReturnEveryChangeOnce() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            for i in 0..<12 { _ = try await c.race("race \(i)") }
            var cursor: String?
            var seqs: [Int] = []
            var kinds: [String] = []
            while true {
                let uri = "/api/sync/pull?limit=5" + (cursor.map { "&since=\($0)" } ?? "")
                let page = try await c.call(.get, uri, as: "alice")
                #expect(page.status == 200)
                #expect(page.object["reset"] as? Bool == false)
                let changes = page.object["changes"] as? [[String: Any]] ?? []
                seqs += changes.compactMap { $0["seq"] as? Int }
                kinds += changes.compactMap { $0["kind"] as? String }
                cursor = page.object["cursor"] as? String
                if page.object["has_more"] as? Bool != true { break }
            }
            #expect(seqs == Array(1...16))
            #expect(kinds.filter { $0 == "user" }.count == 4 && kinds.filter { $0 == "race" }.count == 12)
            let empty = try await c.call(.get, "/api/sync/pull?since=\(cursor!)", as: "alice")
            #expect((empty.object["changes"] as? [Any])?.isEmpty == true && empty.object["cursor"] as? String == cursor)
        }
    }

    @Test func pullParametersAreValidated() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            #expect(try await c.call(.get, "/api/sync/pull").status == 401)
            for query in ["limit=0", "limit=5001", "limit=abc", "since=garbage", "wait=31", "wait=-1"] {
                let reply = try await c.call(.get, "/api/sync/pull?\(query)", as: "alice")
                #expect(reply.status == 422, "\(query)")
            }
            let foreign = try await c.call(.get, "/api/sync/pull?since=abcdef0123.3", as: "alice")
            #expect(foreign.status == 200 && foreign.object["reset"] as? Bool == true)
        }
    }

    @Test func longPollReturnsEarlyOnAChange() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let head = try await c.call(.get, "/api/sync/pull", as: "alice")
            let cursor = try #require(head.object["cursor"] as? String)
            let start = ContinuousClock.now
            async let waited = c.call(.get, "/api/sync/pull?since=\(cursor)&wait=20", as: "alice")
            try await Task.sleep(for: .milliseconds(300))
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "bob")
            let reply = try await waited
            let elapsed = ContinuousClock.now - start
            let changes = reply.object["changes"] as? [[String: Any]] ?? []
            #expect(changes.map { $0["kind"] as? String } == ["caster"])
            // Far less than the 20 s it was allowed to wait (not a timing assertion on speed).
            #expect(elapsed < .seconds(15))
        }
    }
}
