import Foundation
import HTTPTypes
import Testing

@testable import HubHTTP

/// The organizer's pages on the hub (CONTRACT §8): New race, the life cycle, participants and
/// casters by login, × Remove caster; the same rules as the REST API, refusals shown on the page.
@Suite struct OrganizerPageTests {
    typealias S = SignInTests

    func post(
        _ c: HubHarness.Client, _ path: String, _ session: (cookie: String, csrf: String),
        _ fields: [(String, String)] = []
    )
        async throws -> HubHarness.Client.Reply
    {
        try await c.call(
            .post, path, raw: S.body([("csrf", session.csrf)] + fields), headers: S.form([:], cookie: session.cookie))
    }

    @Test func anOrganizerRunsARaceFromItsPage() async throws {
        let hub = try await HubHarness(users: ["org", "runner", "caster"])
        try await hub.run(publicURL: S.origin) { c in
            let signedOut = try await c.call(.get, "/races/new")
            #expect(signedOut.status == 303 && signedOut.headers[.location] == "/login?next=/races/new")

            let org = try await S.signIn(c, "org")
            #expect(try await c.call(.get, "/races/new", headers: [.cookie: org.cookie]).text.contains("Create race"))
            let blank = try await post(c, "/races/new", org, [("name", "   ")])
            #expect(blank.status == 422 && blank.text.contains("The name"))
            let created = try await post(c, "/races/new", org, [("name", "Any% <NMG>")])
            #expect(created.status == 303)
            let path = try #require(created.headers[.location])
            let race = String(path.dropFirst("/races/".count))
            #expect(try await c.call(.get, "/api/races/\(race)").object["name"] as? String == "Any% <NMG>")

            let page = try await c.call(.get, path, headers: [.cookie: org.cookie])
            #expect(page.text.contains(">Start<") && page.text.contains(">Release seeds<"))
            #expect(!page.text.contains(">Finish<"))

            #expect(try await post(c, "\(path)/participants", org, [("login", "Runner")]).status == 303)
            #expect(try await post(c, "\(path)/release-seeds", org).status == 303)
            #expect(try await post(c, "\(path)/start", org).status == 303)
            #expect(try await post(c, "\(path)/casters", org, [("login", "caster")]).status == 303)
            let detail = try await c.call(.get, "/api/races/\(race)").object
            #expect(detail["status"] as? String == "running")
            #expect((detail["participants"] as? [[String: Any]])?.count == 1)
            #expect(try await c.casters(race) == ["caster"])

            let running = try await c.call(.get, path, headers: [.cookie: org.cookie])
            #expect(running.text.contains(">Finish<") && running.text.contains("title=\"Remove caster\""))
            let remove = try #require(running.text.firstMatch(of: /action="([^"]+\/casters\/[^"]+\/remove)"/)?.1)
            #expect(try await post(c, String(remove), org).status == 303)
            #expect(try await c.casters(race).isEmpty)

            // The rules of the API, with their reasons: a participant cannot cast, a login must exist.
            let participantAsCaster = try await post(c, "\(path)/casters", org, [("login", "runner")])
            #expect(participantAsCaster.status == 409)
            #expect(participantAsCaster.text.contains("Runner is a participant of this race."))
            let nobody = try await post(c, "\(path)/participants", org, [("login", "nobody")])
            #expect(nobody.status == 404 && nobody.text.contains("User nobody not found."))
            let invalid = try await post(c, "\(path)/participants", org, [("login", "not a login!")])
            #expect(invalid.status == 422)

            // × Remove participant: the runner leaves the race, and may cast it now.
            #expect(running.text.contains("title=\"Remove participant\""))
            let removeRunner = try #require(
                running.text.firstMatch(of: /action="([^"]+\/participants\/[^"]+\/remove)"/)?.1)
            #expect(try await post(c, String(removeRunner), org).status == 303)
            #expect((try await c.call(.get, "/api/races/\(race)").object["participants"] as? [Any])?.isEmpty == true)
            #expect(try await post(c, String(removeRunner), org).status == 404)
            #expect(try await post(c, "\(path)/casters", org, [("login", "runner")]).status == 303)

            #expect(try await post(c, "\(path)/finish", org).status == 303)
            let finished = try await c.call(.get, path, headers: [.cookie: org.cookie])
            #expect(!finished.text.contains(">Finish<") && !finished.text.contains(">Add caster<"))
        }
    }

    @Test func onlyTheOrganizerSeesAndUsesTheControls() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: S.origin) { c in
            let race = try await c.race()
            let alice = try await S.signIn(c, "alice")
            let page = try await c.call(.get, "/races/\(race)", headers: [.cookie: alice.cookie])
            #expect(!page.text.contains(">Start<") && !page.text.contains("Add participant"))
            let start = try await post(c, "/races/\(race)/start", alice)
            #expect(start.status == 403 && start.text.contains("Only the race organizer may do this."))
            #expect(try await c.call(.get, "/api/races/\(race)").object["status"] as? String == "setup")
            // Another site cannot make the organizer's browser start the race.
            let org = try await S.signIn(c, "org")
            let forged = try await c.call(
                .post, "/races/\(race)/start", raw: S.body([("csrf", org.csrf)]),
                headers: S.form([:], cookie: org.cookie, origin: "https://evil.example"))
            #expect(forged.status == 403)
            #expect(try await c.call(.get, "/api/races/\(race)").object["status"] as? String == "setup")
        }
    }
}
