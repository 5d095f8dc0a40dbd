import Foundation
import Testing

/// The stories of a caster on a flaky connection, through real binaries and a real hub.
@Suite struct OfflineStoryTests {
    /// A hub with an organizer, two casters and one race.
    final class World: @unchecked Sendable {
        let box = Sandbox()
        var hub: HubProcess
        var tokens: [String: String] = [:]
        let race: String

        init(users: [String] = ["org", "alice", "bob"]) async throws {
            for login in users {
                tokens[login] = try box.run("syncd", ["user", "add", login, "--db", box.file("hub.sqlite")]).lastLine
            }
            hub = try HubProcess(in: box)
            let created = try await HTTP.send(
                "POST", hub.url + "/api/races", token: tokens["org"], json: ["name": "Any% Glitchless"])
            race = created.object["id"] as! String
        }

        func replica(_ login: String) -> String { box.file("\(login).sqlite") }

        func racecli(_ login: String, _ args: [String]) throws -> CommandResult {
            try box.run("racecli", args + ["--db", replica(login)])
        }

        func login(_ login: String) throws {
            let result = try racecli(login, ["login", "--hub", hub.url, "--token", tokens[login]!])
            guard result.status == 0 else { throw HarnessError("login failed: \(result.stderr)") }
        }

        func stopHub() { _ = hub.daemon.stop() }

        func startHub() throws {
            hub = try HubProcess(in: box, port: hub.port)
        }

        func hubCasters() async throws -> [String] {
            let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
            return (detail["casters"] as? [[String: Any]] ?? []).compactMap {
                ($0["user"] as? [String: Any])?["twitch_username"] as? String
            }
        }

        func json(_ result: CommandResult) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    @Test func joinOfflineThenSyncWhenTheHubIsBack() async throws {
        let w = try await World()
        try w.login("alice")
        w.stopHub()
        let join = try w.racecli("alice", ["cast-join", String(w.race.prefix(6))])
        #expect(join.status == 0, "\(join.stderr)")
        let view = w.json(try w.racecli("alice", ["race", w.race, "--json"]))
        let casters = view["casters"] as? [[String: Any]] ?? []
        #expect(casters.count == 1 && casters.first?["pending"] as? Bool == true)
        let offlineSync = try w.racecli("alice", ["sync"])
        #expect(offlineSync.status == 3 && offlineSync.stderr.contains("unreachable"))
        let status = w.json(try w.racecli("alice", ["status", "--json"]))
        #expect((status["pending"] as? [[String: Any]])?.first?["kind"] as? String == "caster.join")
        #expect(status["node_id"] as? String != nil && (status["replica_bytes"] as? Int ?? 0) > 0)
        try w.startHub()
        let sync = try w.racecli("alice", ["sync"])
        #expect(sync.status == 0 && sync.stdout.contains("applied"), "\(sync.stderr)")
        #expect(try await w.hubCasters() == ["alice"])
        let after = w.json(try w.racecli("alice", ["status", "--json"]))
        #expect((after["pending"] as? [Any])?.isEmpty == true)
        #expect(after["last_sync_at"] as? String != nil)
        let confirmed = w.json(try w.racecli("alice", ["race", w.race, "--json"]))
        #expect((confirmed["casters"] as? [[String: Any]])?.first?["pending"] as? Bool == false)
    }

    @Test func aRejectedOpIsShownAndTheViewFallsBackToTheHub() async throws {
        let w = try await World()
        try w.login("alice")
        #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
        // Meanwhile the organizer finishes the race on the hub.
        _ = try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/start", token: w.tokens["org"])
        _ = try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/finish", token: w.tokens["org"])
        let sync = try w.racecli("alice", ["sync"])
        #expect(sync.status == 0)
        #expect(sync.stdout.contains("rejected") && sync.stdout.contains("400"))
        let status = w.json(try w.racecli("alice", ["status", "--json"]))
        let rejected = try #require((status["rejected"] as? [[String: Any]])?.first)
        #expect(rejected["code"] as? Int == 400)
        #expect((rejected["detail"] as? String)?.contains("finished") == true)
        #expect(rejected["race_id"] as? String == w.race && rejected["kind"] as? String == "caster.join")
        let view = w.json(try w.racecli("alice", ["race", w.race, "--json"]))
        #expect((view["casters"] as? [Any])?.isEmpty == true)
        #expect(view["status"] as? String == "finished")
        #expect(try await w.hubCasters().isEmpty)
        // Once read, the rejections can be cleared.
        #expect(try w.racecli("alice", ["status", "--clear-rejected"]).status == 0)
        #expect((w.json(try w.racecli("alice", ["status", "--json"]))["rejected"] as? [Any])?.isEmpty == true)
    }

    @Test func aParticipantJoinIsRejectedWith409() async throws {
        let w = try await World()
        try w.login("bob")
        #expect(try w.racecli("bob", ["cast-join", w.race]).status == 0)
        _ = try await HTTP.send(
            "POST", w.hub.url + "/api/races/\(w.race)/participants", token: w.tokens["org"],
            json: ["twitch_username": "bob"])
        #expect(try w.racecli("bob", ["sync"]).status == 0)
        let status = w.json(try w.racecli("bob", ["status", "--json"]))
        #expect((status["rejected"] as? [[String: Any]])?.first?["code"] as? Int == 409)
        // The local rules now refuse at once.
        let again = try w.racecli("bob", ["cast-join", w.race])
        #expect(again.status == 1 && again.stderr.contains("participant"))
    }

    @Test func twoNodesConvergeInEitherSyncOrder() async throws {
        for order in [["alice", "bob"], ["bob", "alice"]] {
            let w = try await World()
            try w.login("alice")
            try w.login("bob")
            // Each acts on its own register: alice joins; bob joins, then leaves later by HLC.
            #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
            #expect(try w.racecli("bob", ["cast-join", w.race]).status == 0)
            #expect(try w.racecli("bob", ["cast-leave", w.race]).status == 0)
            for login in order { #expect(try w.racecli(login, ["sync"]).status == 0) }
            for login in order { #expect(try w.racecli(login, ["sync"]).status == 0) }
            let hub = try await w.hubCasters()
            #expect(hub == ["alice"])
            for login in ["alice", "bob"] {
                let view = w.json(try w.racecli(login, ["race", w.race, "--json"]))
                let names = (view["casters"] as? [[String: Any]] ?? []).compactMap {
                    ($0["user"] as? [String: Any])?["twitch_username"] as? String
                }
                #expect(names == hub, "\(login) after \(order)")
            }
        }
    }

    @Test func theDaemonDeliversAnOutageWriteWhenTheHubReturns() async throws {
        let w = try await World()
        try w.login("alice")
        let node = try Daemon("syncd", ["node", "--db", w.replica("alice"), "--interval", "1"], in: w.box)
        #expect(node.waitForLog("node started"))
        w.stopHub()
        #expect(node.waitForLog("unreachable", timeout: 20), "\(node.log)")
        #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
        try w.startHub()
        // The backoff is capped at the 1 s interval, so this takes about two seconds; the loop
        // allows far more so a loaded CI machine cannot make it flaky.
        var casters: [String] = []
        for _ in 0..<300 {
            casters = try await w.hubCasters()
            if !casters.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(casters == ["alice"], "\(node.log)")
        let status = w.json(try w.racecli("alice", ["status", "--json"]))
        #expect((status["pending"] as? [Any])?.isEmpty == true)
        // Exactly one change reached the hub: no op lost, none applied twice.
        let log = try await HTTP.send("GET", w.hub.url + "/api/sync/pull", token: w.tokens["alice"]).object
        let casterChanges = (log["changes"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "caster" }
        #expect(casterChanges.count == 1)
        #expect(node.stop() == 0)
        #expect(node.log.contains("hub reachable"))
    }

    @Test func badInputGetsClearErrors() async throws {
        let w = try await World()
        try w.login("alice")
        let unknown = try w.racecli("alice", ["race", "ffffffff"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no race"))
        // Two races sharing a prefix: find a one-character prefix they share, if any, else use "".
        let second = try await HTTP.send(
            "POST", w.hub.url + "/api/races", token: w.tokens["org"], json: ["name": "Second"])
        _ = try w.racecli("alice", ["sync"])
        let ids = [w.race, second.object["id"] as! String]
        var prefix = ""
        for length in stride(from: 8, through: 0, by: -1) where ids[0].prefix(length) == ids[1].prefix(length) {
            prefix = String(ids[0].prefix(length))
            break
        }
        let ambiguous = try w.racecli("alice", ["race", prefix])
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("matches 2 races"))
        #expect(ambiguous.stderr.contains(ids[0]) && ambiguous.stderr.contains(ids[1]))
        // A directory and a foreign file as replicas: clear message, untouched.
        let dir = w.box.file("adir")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let onDir = try w.box.run("racecli", ["races", "--db", dir])
        #expect(onDir.status == 1 && onDir.stderr.contains(dir))
        let foreign = w.box.file("foreign.bin")
        try Data("SQLite format 3 but not really".utf8).write(to: URL(fileURLWithPath: foreign))
        let onForeign = try w.box.run("racecli", ["races", "--db", foreign])
        #expect(onForeign.status == 1 && onForeign.stderr.contains(foreign))
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "SQLite format 3 but not really")
        // Login mistakes: malformed URL (usage), wrong token (401, exit 1), hub down (exit 3); nothing stored.
        let fresh = w.box.file("fresh.sqlite")
        let badURL = try w.box.run(
            "racecli", ["login", "--hub", "not a url", "--token", w.tokens["bob"]!, "--db", fresh])
        #expect(badURL.status == 2 && badURL.stderr.contains("not a hub URL"))
        let wrong = try w.box.run(
            "racecli", ["login", "--hub", w.hub.url, "--token", String(repeating: "x", count: 40), "--db", fresh])
        #expect(wrong.status == 1 && wrong.stderr.contains("refused the token"))
        #expect(!FileManager.default.fileExists(atPath: fresh))
        let down = try w.box.run(
            "racecli", ["login", "--hub", "http://127.0.0.1:1", "--token", w.tokens["bob"]!, "--db", fresh])
        #expect(down.status == 3)
        #expect(!FileManager.default.fileExists(atPath: fresh))
        // Usage errors are exit 2; the default replica path comes from RACECLI_DB.
        #expect(try w.box.run("racecli", ["races", "--status", "paused"]).status == 2)
        let viaEnv = try w.box.run("racecli", ["races", "--json"], env: ["RACECLI_DB": w.replica("alice")])
        #expect(viaEnv.status == 0 && viaEnv.stdout.contains(w.race))
    }

    @Test func anotherUserStartsTheReplicaAfreshButNotWithPendingOps() async throws {
        let w = try await World()
        try w.login("alice")
        #expect(try w.racecli("alice", ["cast-join", w.race]).status == 0)
        let refused = try w.racecli("alice", ["login", "--hub", w.hub.url, "--token", w.tokens["bob"]!])
        #expect(refused.status == 1 && refused.stderr.contains("pending"))
        #expect(try w.racecli("alice", ["sync"]).status == 0)
        let switched = try w.racecli("alice", ["login", "--hub", w.hub.url, "--token", w.tokens["bob"]!])
        #expect(switched.status == 0 && switched.stdout.contains("bob"))
        let status = w.json(try w.racecli("alice", ["status", "--json"]))
        #expect((status["user"] as? [String: Any])?["twitch_username"] as? String == "bob")
    }
}
