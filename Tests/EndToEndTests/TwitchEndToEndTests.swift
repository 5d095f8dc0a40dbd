import FakeHelix
import Foundation
import Testing

/// The hub process polling a fake Helix on loopback, and live status reaching a replica.
@Suite struct TwitchEndToEndTests {
    func twitchEnv(_ fake: FakeHelixServer) -> [String: String] {
        [
            "TWITCH_CLIENT_ID": fake.state.clientID, "TWITCH_CLIENT_SECRET": fake.state.clientSecret,
            "TWITCH_API_URL": fake.apiURL, "TWITCH_AUTH_URL": fake.authURL,
        ]
    }

    @Test func liveStatusReachesTheHubAndAReplica() async throws {
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        let box = Sandbox()
        let db = box.file("hub.sqlite")
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        let alice = try box.run("syncd", ["user", "add", "alice", "--display-name", "Alice", "--db", db]).lastLine
        _ = try box.run("syncd", ["user", "add", "bob", "--db", db])
        var hub = try HubProcess(in: box, db: db)
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        _ = try await HTTP.send(
            "POST", hub.url + "/api/races/\(race)/participants", token: org, json: ["twitch_username": "bob"])
        _ = try await HTTP.send("POST", hub.url + "/api/races/\(race)/cast-join", token: alice)
        _ = hub.daemon.stop()
        fake.state.setLive("alice", streamID: "777", title: "Casting <Any%> & more")
        let feedDir = box.file("public-feeds")
        hub = try HubProcess(
            in: box, db: db, port: hub.port, extra: ["--poll-interval", "1", "--feed-dir", feedDir],
            env: twitchEnv(fake))
        #expect(hub.daemon.waitForLog("Twitch polling on"))
        var caster: [String: Any] = [:]
        for _ in 0..<100 {
            let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
            caster = (detail["casters"] as? [[String: Any]])?.first ?? [:]
            if caster["is_live"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(caster["is_live"] as? Bool == true)
        #expect(caster["stream_url"] as? String == "https://twitch.tv/alice")
        // A node that syncs after the poll shows the same live people.
        let replica = box.file("alice.sqlite")
        #expect(try box.run("racecli", ["login", "--hub", hub.url, "--token", alice, "--db", replica]).status == 0)
        let live = try box.run("racecli", ["live", "--json", "--db", replica])
        let entries = try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["twitch_username"] as? String == "alice")
        #expect(entries.first?["title"] as? String == "Casting <Any%> & more")
        #expect(entries.first?["race_id"] as? String == race)
        #expect(entries.first?["observed_at"] as? String != nil && entries.first?["started_at"] as? String != nil)
        // The replica renders the very feed the hub serves (same ids, same bytes).
        let localFeed = try box.run("racecli", ["feed", "--format", "atom", "--db", replica])
        let hubFeed = try await HTTP.send("GET", hub.url + "/feeds/live.atom")
        #expect(localFeed.status == 0)
        #expect(localFeed.stdout == String(decoding: hubFeed.body, as: UTF8.self))
        #expect(localFeed.stdout.contains("Alice is live (caster) in Any%"))
        let localRace = try box.run(
            "racecli", ["feed", "--format", "rss", "--race", String(race.prefix(8)), "--db", replica])
        let hubRace = try await HTTP.send("GET", hub.url + "/feeds/races/\(race)/live.rss")
        #expect(localRace.stdout == String(decoding: hubRace.body, as: UTF8.self))
        // The export followed the poll into --feed-dir (within 2 s, CONTRACT §4).
        var exported = ""
        for _ in 0..<60 where !exported.contains("Alice is live") {
            exported = (try? String(contentsOfFile: feedDir + "/races/\(race)/live.atom", encoding: .utf8)) ?? ""
            if !exported.contains("Alice is live") { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(exported.contains("Alice is live"))
        #expect(FileManager.default.fileExists(atPath: feedDir + "/live.rss"))
        let metrics = try await HTTP.send("GET", hub.url + "/metrics")
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("racesync_helix_requests_total") && text.contains("racesync_live_streams 1"))
        #expect(hub.daemon.stop() == 0)
        #expect(!hub.daemon.log.contains(fake.state.clientSecret))
    }

    @Test func withoutCredentialsTheHubNeverCallsTwitch() async throws {
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        let box = Sandbox()
        let hub = try HubProcess(
            in: box, extra: ["--poll-interval", "1"],
            env: ["TWITCH_API_URL": fake.apiURL, "TWITCH_AUTH_URL": fake.authURL])
        #expect(hub.daemon.waitForLog("Twitch polling off"))
        try await Task.sleep(for: .milliseconds(1500))
        #expect(fake.state.tokenRequests == 0 && fake.state.streamsRequests == 0)
        #expect(hub.daemon.stop() == 0)
    }

    @Test func shutdownDuringAPollExitsCleanly() async throws {
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        fake.state.delayStreams(.seconds(20))
        let box = Sandbox()
        let db = box.file("hub.sqlite")
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        var hub = try HubProcess(in: box, db: db)
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "r"]).object["id"] as! String
        _ = try await HTTP.send("POST", hub.url + "/api/races/\(race)/cast-join", token: org)
        _ = hub.daemon.stop()
        hub = try HubProcess(in: box, db: db, env: twitchEnv(fake))
        // Up to 30 s for the first poll to reach Twitch (a debug hub under the whole suite's load).
        for _ in 0..<600 where fake.state.streamsRequests == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(fake.state.streamsRequests == 1)
        let start = Date()
        #expect(hub.daemon.stop() == 0)
        #expect(Date().timeIntervalSince(start) < 15)
    }
}
