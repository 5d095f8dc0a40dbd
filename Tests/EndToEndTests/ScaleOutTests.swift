import FakeHelix
import Foundation
import PostgresTestSupport
import Testing

/// Two `syncd hub` processes on one PostgreSQL database behave as one hub: a write through one
/// is seen through the other, long-polls wake across them, nodes syncing through different
/// instances converge, and the Twitch poller fails over when its instance dies.
@Suite struct ScaleOutTests {
    @Test func twoHubsOnOneDatabaseActAsOne() async throws {
        guard let db = try PostgresE2E.database() else { return }
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        var tokens: [String: String] = [:]
        for login in ["alice", "bob", "runner"] {
            tokens[login] = try box.run("syncd", ["user", "add", login, "--db", db]).lastLine
        }
        let listed = try box.run("syncd", ["user", "list", "--json"], env: ["RACESYNC_DATABASE_URL": db])
        #expect(listed.status == 0 && listed.stdout.contains("\"runner\""))
        let a = try HubProcess(in: box, db: db)
        let b = try HubProcess(in: box, db: db)
        // A REST write through one instance is the state of the other.
        let race =
            try await HTTP.send("POST", a.url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        let added = try await HTTP.send(
            "POST", b.url + "/api/races/\(race)/participants", token: org, json: ["twitch_username": "runner"])
        #expect(added.status == 200)
        let onA = try await HTTP.send("GET", a.url + "/api/races/\(race)").object
        #expect((onA["participants"] as? [[String: Any]])?.count == 1)
        // A long-poll on A returns within 1 s of a write through B.
        let aliceToken = tokens["alice"]!
        let head = try await HTTP.send("GET", a.url + "/api/sync/pull", token: aliceToken).object["cursor"] as! String
        let start = ContinuousClock.now
        let pollURL = a.url + "/api/sync/pull?since=\(head)&wait=20"
        async let woken = HTTP.send("GET", pollURL, token: aliceToken)
        try await Task.sleep(for: .milliseconds(300))
        let wrote = ContinuousClock.now
        _ = try await HTTP.send("POST", b.url + "/api/races/\(race)/cast-join", token: tokens["bob"])
        let changes = try await woken.object["changes"] as? [[String: Any]] ?? []
        #expect(changes.contains { $0["kind"] as? String == "caster" })
        // Woken by the write, before the poll's own 20 s wait ran out (with the change above). How
        // soon is reported, not asserted (tests never fail on timing; the in-process test holds
        // the wake-up itself).
        #expect(ContinuousClock.now - start < .seconds(19), "woke \(ContinuousClock.now - start) after the poll began")
        print("two hubs: a write through B woke a long-poll on A after \(ContinuousClock.now - wrote)")
        // Nodes syncing through different instances converge.
        func racecli(_ login: String, _ args: [String]) throws -> CommandResult {
            try box.run("racecli", args + ["--db", box.file("\(login).sqlite")])
        }
        #expect(try racecli("alice", ["login", "--hub", a.url, "--token", tokens["alice"]!]).status == 0)
        #expect(try racecli("bob", ["login", "--hub", b.url, "--token", tokens["bob"]!]).status == 0)
        #expect(try racecli("alice", ["cast-join", race]).status == 0)
        #expect(try racecli("bob", ["cast-leave", race]).status == 0)
        for login in ["alice", "bob", "alice", "bob"] { #expect(try racecli(login, ["sync"]).status == 0) }
        func casters(_ login: String) throws -> [String] {
            let view =
                try JSONSerialization.jsonObject(with: Data(try racecli(login, ["race", race, "--json"]).stdout.utf8))
                as? [String: Any]
            return (view?["casters"] as? [[String: Any]] ?? []).compactMap {
                ($0["user"] as? [String: Any])?["twitch_username"] as? String
            }
        }
        #expect(try casters("alice") == ["alice"])
        #expect(try casters("bob") == ["alice"])
        // Feeds are the same bytes whichever instance serves them.
        let feedA = try await HTTP.send("GET", a.url + "/feeds/races/\(race)/live.atom").body
        let feedB = try await HTTP.send("GET", b.url + "/feeds/races/\(race)/live.atom").body
        #expect(!feedA.isEmpty)
        #expect(
            String(decoding: feedA, as: UTF8.self).replacingOccurrences(of: a.url, with: "")
                == String(decoding: feedB, as: UTF8.self).replacingOccurrences(of: b.url, with: ""))
        #expect(a.daemon.stop() == 0 && b.daemon.stop() == 0)
    }

    /// While the database restarts, the hub says so (503, Retry-After, `/healthz` unavailable),
    /// a CLI sync exits 3 with the local write kept, and everything recovers by itself.
    @Test func aDatabaseRestartIsAnOutageNotAnError() async throws {
        guard PostgresE2E.available() else { return }
        let cluster = try PrivateCluster()
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", cluster.url]).lastLine
        let alice = try box.run("syncd", ["user", "add", "alice", "--db", cluster.url]).lastLine
        let hub = try HubProcess(in: box, db: cluster.url)
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        let replica = box.file("alice.sqlite")
        #expect(try box.run("racecli", ["login", "--hub", hub.url, "--token", alice, "--db", replica]).status == 0)
        cluster.stop()
        #expect(try box.run("racecli", ["cast-join", race, "--db", replica]).status == 0)
        let sync = try box.run("racecli", ["sync", "--db", replica])
        #expect(sync.status == 3, "\(sync.stderr)")
        #expect(sync.stderr.contains("503"))
        let health = try await HTTP.send("GET", hub.url + "/healthz")
        #expect(health.status == 503 && String(decoding: health.body, as: UTF8.self).contains("unavailable"))
        try cluster.start()
        var synced: CommandResult?
        for _ in 0..<50 {
            synced = try box.run("racecli", ["sync", "--db", replica])
            if synced?.status == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(synced?.status == 0)
        #expect(try await HTTP.send("GET", hub.url + "/healthz").status == 200)
        let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
        #expect((detail["casters"] as? [[String: Any]])?.count == 1)
        #expect(hub.daemon.stop() == 0)
    }

    @Test func thePollerFailsOverWhenItsInstanceDies() async throws {
        guard let db = try PostgresE2E.database() else { return }
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        let env = [
            "TWITCH_CLIENT_ID": fake.state.clientID, "TWITCH_CLIENT_SECRET": fake.state.clientSecret,
            "TWITCH_API_URL": fake.apiURL, "TWITCH_AUTH_URL": fake.authURL,
        ]
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        _ = try box.run("syncd", ["user", "add", "runner", "--db", db])
        let interval = 2
        let hubs = try (0..<2).map { _ in
            try HubProcess(in: box, db: db, extra: ["--poll-interval", String(interval)], env: env)
        }
        let race =
            try await HTTP.send("POST", hubs[0].url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        _ = try await HTTP.send(
            "POST", hubs[1].url + "/api/races/\(race)/participants", token: org, json: ["twitch_username": "runner"])
        // Exactly one instance leads.
        var leaders: [Int] = []
        for _ in 0..<100 {
            leaders = hubs.indices.filter { hubs[$0].daemon.log.contains("this instance leads") }
            if !leaders.isEmpty { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(leaders.count == 1)
        let leader = try #require(leaders.first)
        // Polls come from one instance only: each hub asks for its own app token on its first
        // poll, so one token request over several polls means one poller (spacing between
        // requests is no proof: a slow poll on a loaded machine shortens the next gap).
        // At least two polls (a loaded machine may take longer than two intervals: waited for, bounded).
        for _ in 0..<600 where fake.state.requestTimes.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(fake.state.requestTimes.count >= 2)
        // Leadership can move on a loaded machine (a lock session lost and taken over): every
        // instance that led polled, and asked one token; none that did not lead asked any.
        let led = hubs.filter { $0.daemon.log.contains("this instance leads") }.count
        #expect(
            fake.state.tokenRequests == led,
            "\(fake.state.tokenRequests) token requests, \(led) instance(s) led: \(hubs.map { Self.leadership($0.daemon.log) })"
        )
        // The leader dies; the other instance polls within one interval and records live status.
        hubs[leader].daemon.kill9()
        let died = Date()
        fake.state.setLive("runner", streamID: "9", title: "After failover")
        let survivor = hubs[1 - leader]
        var live = false
        while Date().timeIntervalSince(died) < 30, !live {
            let detail = try await HTTP.send("GET", survivor.url + "/api/races/\(race)").object
            live = (detail["participants"] as? [[String: Any]])?.first?["is_live"] as? Bool == true
            if !live { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(live)
        // How long the takeover took is reported, not asserted (tests never fail on timing).
        let firstAfter = fake.state.requestTimes.first { $0 > died }
        #expect(firstAfter != nil)
        if let firstAfter {
            print("poller failover: first poll \(firstAfter.timeIntervalSince(died)) s after the kill")
        }
        #expect(survivor.daemon.log.contains("this instance leads"))
        #expect(fake.state.tokenRequests == 2)
        #expect(survivor.daemon.stop() == 0)
    }

    /// The lines of a hub's log about leadership and Twitch, for a failure message.
    static func leadership(_ log: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains("lead") || $0.contains("Twitch") || $0.contains("token") }
    }
}
