import FakeHelix
import Foundation
import Testing

/// Twitch's pushes reaching two `syncd hub` processes on one PostgreSQL database: either instance
/// accepts them, the state is shared, and a message Twitch delivers again to the other instance
/// is recognised (its id is in the store) and changes nothing.
@Suite struct EventSubEndToEndTests {
    static let secret = "e2e-eventsub-secret"

    @Test func bothInstancesAcceptPushesAndDedupeEachOthers() async throws {
        guard let db = try PostgresE2E.database() else { return }
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        _ = try box.run("syncd", ["user", "add", "runner", "--db", db])
        let env = ["RACESYNC_EVENTSUB_SECRET": Self.secret]
        let a = try HubProcess(in: box, db: db, env: env)
        let b = try HubProcess(in: box, db: db, env: env)
        let race =
            try await HTTP.send("POST", a.url + "/api/races", token: org, json: ["name": "Any%"]).object["id"]
            as! String
        _ = try await HTTP.send(
            "POST", a.url + "/api/races/\(race)/participants", token: org, json: ["twitch_username": "runner"])
        func isLive(on hub: HubProcess) async throws -> Bool {
            let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
            return (detail["participants"] as? [[String: Any]])?.first?["is_live"] as? Bool ?? false
        }
        let twitch = EventSubNotifier(secret: Self.secret)
        let online = "online-1"
        #expect(
            try await twitch.notify(
                a.url + "/twitch/eventsub", online: true, login: "runner", userID: "4242", messageID: online)
                == 204)
        #expect(try await isLive(on: b))
        #expect(
            try await twitch.notify(
                b.url + "/twitch/eventsub", online: false, login: "runner", userID: "4242", messageID: "offline-1",
                sentAt: Date().addingTimeInterval(1)) == 204)
        #expect(try await !isLive(on: a))
        // Twitch delivers the online message again, this time to B: already seen, no effect.
        #expect(
            try await twitch.notify(
                b.url + "/twitch/eventsub", online: true, login: "runner", userID: "4242", messageID: online)
                == 204)
        #expect(try await !isLive(on: a))
        #expect(try await !isLive(on: b))
        // A wrong secret is refused by either.
        let forger = EventSubNotifier(secret: "not-the-right-secret")
        #expect(
            try await forger.notify(b.url + "/twitch/eventsub", online: true, login: "runner", userID: "4242") == 403)
        #expect(a.daemon.stop() == 0 && b.daemon.stop() == 0)
    }
}
