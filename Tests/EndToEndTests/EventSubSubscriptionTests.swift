import FakeHelix
import Foundation
import Testing

/// The hub keeps Twitch's EventSub subscriptions (CONTRACT §5) against the fake Twitch: one
/// `stream.online` and one `stream.offline` per polled broadcaster, verified through the hub's own
/// webhook, made again after a 429 and after a revocation, deleted when the race finishes; and
/// while they are enabled the poll leaves those broadcasters to the pushes.
@Suite struct EventSubSubscriptionTests {
    static let secret = "e2e-subscription-secret"

    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ check: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await check() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test func subscriptionsFollowRacesAndPushesReplaceTheFrequentPoll() async throws {
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        fake.state.addAccount("runner", id: "4242")
        let box = Sandbox()
        let db = box.file("hub.sqlite")
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        _ = try box.run("syncd", ["user", "add", "runner", "--db", db])
        let first = try HubProcess(in: box, db: db)
        let port = first.port
        _ = first.daemon.stop()
        fake.state.failSubscriptionCalls(429)  // the first call is refused: the manager backs off and retries
        let hub = try HubProcess(
            in: box, db: db, port: port, extra: ["--poll-interval", "1", "--public-url", "http://127.0.0.1:\(port)"],
            env: [
                "TWITCH_CLIENT_ID": fake.state.clientID, "TWITCH_CLIENT_SECRET": fake.state.clientSecret,
                "TWITCH_API_URL": fake.apiURL, "TWITCH_AUTH_URL": fake.authURL,
                "RACESYNC_EVENTSUB_SECRET": Self.secret,
            ])
        #expect(hub.daemon.waitForLog("EventSub subscriptions managed"))
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        _ = try await HTTP.send(
            "POST", hub.url + "/api/races/\(race)/participants", token: org, json: ["twitch_username": "runner"])

        // The profile gives runner's Twitch id; both subscriptions are made and verified by the hub.
        func enabled() -> [FakeHelixState.Subscription] {
            fake.state.subscriptions.filter { $0.broadcasterID == "4242" && $0.status == "enabled" }
        }
        try await waitFor("two enabled subscriptions") { enabled().count == 2 }
        #expect(Set(enabled().map(\.type)) == ["stream.online", "stream.offline"])
        #expect(enabled().allSatisfy { $0.callback == "http://127.0.0.1:\(port)/twitch/eventsub" })

        // Covered: the 1 s poll stops asking about runner (the only one polled) until the
        // 5-minute reconciling poll, so Helix hears nothing for a while.
        try await waitFor("the poll to leave runner to the pushes") {
            let asked = fake.state.streamsRequests
            try await Task.sleep(for: .milliseconds(1500))
            return fake.state.streamsRequests == asked
        }
        // A push puts runner live, and the frequent poll (which Twitch would answer "offline") leaves it so.
        let twitch = EventSubNotifier(secret: Self.secret)
        #expect(
            try await twitch.notify(hub.url + "/twitch/eventsub", online: true, login: "runner", userID: "4242") == 204)
        try await Task.sleep(for: .seconds(2.5))
        let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
        #expect((detail["participants"] as? [[String: Any]])?.first?["is_live"] as? Bool == true)

        // Revoked by Twitch: the hub makes them again.
        let revokedIDs = Set(enabled().map(\.id))
        try await fake.state.revokeSubscriptions(of: "4242")
        try await waitFor("new subscriptions after the revocation") {
            enabled().count == 2 && Set(enabled().map(\.id)).isDisjoint(with: revokedIDs)
        }

        // The race finishes: runner is polled no more, and the subscriptions go.
        _ = try await HTTP.send("POST", hub.url + "/api/races/\(race)/start", token: org)
        _ = try await HTTP.send("POST", hub.url + "/api/races/\(race)/finish", token: org)
        try await waitFor("the subscriptions deleted") { fake.state.subscriptions.isEmpty }
        #expect(fake.state.subscriptionCalls.contains { $0.hasPrefix("DELETE") })
        #expect(hub.daemon.stop() == 0)
    }

    @Test func onTwoHubsOnlyTheLeaderSubscribes() async throws {
        guard let db = try PostgresE2E.database() else { return }
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        fake.state.addAccount("runner", id: "5151")
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        _ = try box.run("syncd", ["user", "add", "runner", "--db", db])
        let probe = try HubProcess(in: box, db: db)
        let port = probe.port
        _ = probe.daemon.stop()
        // Both behind one public URL (as behind a load balancer); here it reaches the first.
        let extra = ["--poll-interval", "1", "--public-url", "http://127.0.0.1:\(port)"]
        let env = [
            "TWITCH_CLIENT_ID": fake.state.clientID, "TWITCH_CLIENT_SECRET": fake.state.clientSecret,
            "TWITCH_API_URL": fake.apiURL, "TWITCH_AUTH_URL": fake.authURL, "RACESYNC_EVENTSUB_SECRET": Self.secret,
        ]
        let a = try HubProcess(in: box, db: db, port: port, extra: extra, env: env)
        let b = try HubProcess(in: box, db: db, extra: extra, env: env)
        let race =
            try await HTTP.send("POST", b.url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        _ = try await HTTP.send(
            "POST", b.url + "/api/races/\(race)/participants", token: org, json: ["twitch_username": "runner"])
        try await waitFor("two enabled subscriptions") {
            fake.state.subscriptions.filter { $0.status == "enabled" }.count == 2
        }
        try await Task.sleep(for: .seconds(3))
        // Two subscription posts in all: one instance manages them (the other never tried, not even a 409).
        #expect(fake.state.subscriptionCalls.filter { $0.hasPrefix("POST") }.count == 2)
        #expect(fake.state.subscriptions.count == 2)
        #expect(a.daemon.stop() == 0 && b.daemon.stop() == 0)
    }
}
