import Foundation
import Testing

/// Last-writer-wins, explained and instant, through real node daemons and a real hub: a write
/// that lost names who won, a write overwritten later says by whom, and a join on one node
/// reaches another node's replica without waiting for a timer.
@Suite struct ExplainedSyncTests {
    typealias World = OfflineStoryTests.World

    func status(_ w: World, _ login: String) throws -> [String: Any] {
        w.json(try w.racecli(login, ["status", "--json"]))
    }

    func node(_ w: World, _ login: String) throws -> Daemon {
        let node = try Daemon("syncd", ["node", "--db", w.replica(login), "--interval", "1"], in: w.box)
        guard node.waitForLog("hub reachable") else { throw HarnessError("node did not sync:\n\(node.log)") }
        return node
    }

    func eventually(_ seconds: Double = 10, _ check: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try check() { return true }
            usleep(20_000)
        }
        return try check()
    }

    @Test func aJoinThatLostToAnOrganizersNewerRemovalNamesTheWinner() async throws {
        let w = try await World()
        try w.login("alice")
        let alice = try await HTTP.send("GET", w.hub.url + "/api/me", token: w.tokens["alice"]).object["id"] as! String
        // Alice joins on her node while its daemon is not running: the op waits in her outbox.
        #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
        // Meanwhile the organizer's node pushes a removal of Alice stamped later.
        let later = Int64(Date().timeIntervalSince1970 * 1000) + 5_000
        let removal: [String: Any] = [
            "op_id": UUID().uuidString.lowercased(), "kind": "caster.leave", "race_id": w.race, "user_id": alice,
            "hlc": ["wall_ms": later, "counter": 0, "node": "org-laptop"],
        ]
        let pushed = try await HTTP.send(
            "POST", w.hub.url + "/api/sync/push", token: w.tokens["org"],
            json: ["node_id": "org-laptop", "ops": [removal]])
        #expect((pushed.object["results"] as? [[String: Any]])?.first?["status"] as? String == "applied")
        // Alice's daemon starts and pushes: her join is superseded, and the hub names the winner.
        let node = try node(w, "alice")
        defer { _ = node.stop() }
        #expect(try eventually { (try status(w, "alice")["overridden"] as? [[String: Any]])?.isEmpty == false })
        let entry = try #require((try status(w, "alice")["overridden"] as? [[String: Any]])?.first)
        #expect(entry["kind"] as? String == "caster.join" && entry["by_kind"] as? String == "caster.leave")
        #expect((entry["by"] as? [String: Any])?["twitch_username"] as? String == "org")
        #expect((entry["by_at"] as? String)?.hasSuffix("Z") == true && entry["race_id"] as? String == w.race)
        let text = try w.racecli("alice", ["status"]).stdout
        #expect(
            text.contains("your join of Any% Glitchless at") && text.contains("was overridden by org's removal at"),
            "\(text)")
        // And the view follows the winner: Alice is not a caster.
        #expect((w.json(try w.racecli("alice", ["race", w.race, "--json"]))["casters"] as? [Any])?.isEmpty == true)
        // --clear-rejected clears the explanation once read.
        #expect(try w.racecli("alice", ["status", "--clear-rejected"]).status == 0)
        #expect((try status(w, "alice")["overridden"] as? [Any])?.isEmpty == true)
    }

    @Test func anOrganizerRemovingAnOfflineJoinIsExplainedAfterTheNextPull() async throws {
        let w = try await World()
        try w.login("alice")
        w.stopHub()
        #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
        try w.startHub()
        let node = try node(w, "alice")
        defer { _ = node.stop() }
        var casters: [String] = []
        for _ in 0..<200 where casters.isEmpty {
            casters = try await w.hubCasters()
            if casters.isEmpty { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(casters == ["alice"])
        // The organizer removes her through the REST API.
        let detail = try await HTTP.send("GET", w.hub.url + "/api/races/\(w.race)").object
        let caster = try #require((detail["casters"] as? [[String: Any]])?.first)
        #expect((caster["changed_by"] as? [String: Any])?["twitch_username"] as? String == "alice")
        #expect((caster["changed_at"] as? String)?.hasSuffix("Z") == true)
        let removed = try await HTTP.send(
            "DELETE", w.hub.url + "/api/races/\(w.race)/casters/\(caster["id"] as! String)", token: w.tokens["org"])
        #expect(removed.status == 200)
        #expect(
            try eventually { (try status(w, "alice")["overridden"] as? [[String: Any]])?.count == 1 }, "\(node.log)")
        let entry = try #require((try status(w, "alice")["overridden"] as? [[String: Any]])?.first)
        #expect(
            (entry["by"] as? [String: Any])?["twitch_username"] as? String == "org"
                && entry["by_kind"] as? String == "caster.leave")
    }

    @Test func membersSayWhoAddedThem() async throws {
        let w = try await World()
        try w.login("bob")
        let added = try await HTTP.send(
            "POST", w.hub.url + "/api/races/\(w.race)/casters", token: w.tokens["org"], json: ["twitch_username": "bob"]
        )
        #expect(added.status == 200)
        let member = try #require((added.object["casters"] as? [[String: Any]])?.first)
        #expect((member["changed_by"] as? [String: Any])?["twitch_username"] as? String == "org")
        let participants = try await HTTP.send(
            "POST", w.hub.url + "/api/races/\(w.race)/participants", token: w.tokens["org"],
            json: ["twitch_username": "alice"])
        let participant = try #require((participants.object["participants"] as? [[String: Any]])?.first)
        #expect(participant.keys.contains("changed_by") && participant["changed_by"] is NSNull)
        #expect(try w.racecli("bob", ["sync"]).status == 0)
        let shown = try w.racecli("bob", ["race", w.race]).stdout
        #expect(shown.contains("bob") && shown.contains("(added by org"), "\(shown)")
    }

    @Test func aJoinOnOneNodeReachesAnotherNodeWithoutWaitingForATimer() async throws {
        let w = try await World()
        try w.login("alice")
        try w.login("bob")
        // Long intervals and outbox checks: only the wake-up path and the hub's long-poll can be fast.
        let slowTimers = ["RACESYNC_NODE_OUTBOX_CHECK": "60"]
        let a = try Daemon(
            "syncd", ["node", "--db", w.replica("alice"), "--interval", "30"], in: w.box, env: slowTimers)
        let b = try Daemon("syncd", ["node", "--db", w.replica("bob"), "--interval", "30"], in: w.box, env: slowTimers)
        defer {
            _ = a.stop()
            _ = b.stop()
        }
        #expect(
            a.waitForLog("listening for local writes") && a.waitForLog("hub reachable") && b.waitForLog("hub reachable")
        )
        usleep(300_000)
        #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
        // Far below every timer (a loaded machine gets generous time): the poke woke A, the
        // hub's commit woke B's long-poll.
        #expect(
            try eventually(10) {
                (w.json(try w.racecli("bob", ["race", w.race, "--json"]))["casters"] as? [[String: Any]])?.count == 1
            }, "A: \(a.log)\nB: \(b.log)")
    }
}
