import Foundation
import SyncCore
import SyncStore
import SyncTwitch
import Testing

@testable import HubHTTP

@Suite struct RaceRoutesTests {
    @Test func healthAndMe() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let health = try await c.call(.get, "/healthz")
            #expect(health.status == 200 && health.object["status"] as? String == "ok")
            let me = try await c.call(.get, "/api/me", as: "alice")
            #expect(me.status == 200)
            #expect(me.object["twitch_username"] as? String == "alice")
            #expect(me.object["twitch_display_name"] as? String == "Alice")
            #expect((me.object["id"] as? String) == hub.ids["alice"]!.uuidString.lowercased())
        }
    }

    @Test func authFailuresAre401WithDetail() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            for token in [nil, "", "short", String(repeating: "x", count: 40), "-" + String(repeating: "a", count: 40)]
                as [String?]
            {
                let reply = try await c.call(.get, "/api/me", token: token)
                #expect(reply.status == 401)
                #expect(reply.detail?.isEmpty == false)
            }
            // 401 comes before 422: no token and a malformed body.
            #expect(try await c.call(.post, "/api/races", raw: "{not json").status == 401)
        }
    }

    @Test func createListAndDetail() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let created = try await c.call(.post, "/api/races", as: "org", json: ["name": "  Any% Glitchless  "])
            #expect(created.status == 201)
            #expect(created.object["name"] as? String == "Any% Glitchless")
            #expect(created.object["status"] as? String == "setup")
            #expect(created.object["seeds_released"] as? Bool == false)
            #expect((created.object["organizer"] as? [String: Any])?["twitch_username"] as? String == "org")
            let createdAt = try #require(created.object["created_at"] as? String)
            #expect(createdAt.hasSuffix("Z") && createdAt.count == 24)
            let second = try await c.race("Second")
            let list = try await c.call(.get, "/api/races")
            #expect(list.array.map { $0["id"] as? String } == [second, created.object["id"] as? String])
            #expect(list.array.first?["participant_count"] as? Int == 0)
            #expect(list.array.first?["caster_count"] as? Int == 0)
            let id = created.object["id"] as! String
            #expect(try await c.call(.get, "/api/races/\(id)").status == 200)
            #expect(try await c.call(.get, "/api/races/\(UUID().uuidString)").status == 404)
            let bad = try await c.call(.get, "/api/races/not-a-uuid")
            #expect(bad.status == 422 && bad.detail?.contains("not-a-uuid") == true)
        }
    }

    @Test func theRaceListIsPagedNewestFirstWithALinkToTheNextPage() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            var made: [String] = []
            for i in 0..<7 { made.append(try await c.race("race \(i)")) }
            var seen: [String] = []
            var next: String? = "/api/races?limit=3"
            var pages = 0
            while let url = next, pages < 10 {
                let page = try await c.call(.get, url)
                #expect(page.status == 200)
                seen += page.array.compactMap { $0["id"] as? String }
                let link = page.headers[.init("Link")!]
                next = link.flatMap { $0.split(separator: ">").first.map { String($0.dropFirst()) } }
                #expect(link == nil || link!.hasSuffix("rel=\"next\""))
                pages += 1
            }
            #expect(seen == made.reversed() && pages == 3)
            #expect(try await c.call(.get, "/api/races").array.count == 7)
            #expect(try await c.call(.get, "/api/races?status=running").array.isEmpty)
            for bad in [
                "limit=0", "limit=1001", "limit=x", "before=abc", "before=1.2.3", "before=99999999999999999999.1",
                "status=done",
            ] {
                let reply = try await c.call(.get, "/api/races?" + bad)
                #expect(reply.status == 422, "\(bad)")
            }
        }
    }

    @Test func raceNameValidation() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            for body in [["name": "   "], ["name": String(repeating: "x", count: 201)]] {
                let reply = try await c.call(.post, "/api/races", as: "org", json: body)
                #expect(reply.status == 422 && reply.detail?.contains("name") == true)
            }
            let wrongType = try await c.call(.post, "/api/races", as: "org", json: ["name": 5])
            #expect(wrongType.status == 422 && wrongType.detail?.contains("'name'") == true)
            let missing = try await c.call(.post, "/api/races", as: "org", json: ["title": "x"])
            #expect(missing.status == 422 && missing.detail?.contains("missing field 'name'") == true)
            let invalid = try await c.call(.post, "/api/races", as: "org", raw: "{\"name\": ")
            #expect(invalid.status == 422)
            #expect(try await c.call(.get, "/api/races").array.isEmpty)
        }
    }

    @Test func lifeCycle() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            #expect(try await c.call(.post, "/api/races/\(race)/start", as: "alice").status == 403)
            #expect(try await c.call(.post, "/api/races/\(race)/finish", as: "org").status == 400)
            let seeds = try await c.call(.post, "/api/races/\(race)/release-seeds", as: "org")
            #expect(seeds.status == 200 && seeds.object["seeds_released"] as? Bool == true)
            #expect(
                try await c.call(.post, "/api/races/\(race)/start", as: "org").object["status"] as? String == "running")
            #expect(try await c.call(.post, "/api/races/\(race)/release-seeds", as: "org").status == 400)
            #expect(try await c.call(.post, "/api/races/\(race)/start", as: "org").status == 400)
            #expect(
                try await c.call(.post, "/api/races/\(race)/finish", as: "org").object["status"] as? String
                    == "finished")
            #expect(try await c.call(.post, "/api/races/\(race)/finish", as: "org").status == 400)
            #expect(try await c.call(.post, "/api/races/\(UUID().uuidString)/start", as: "org").status == 404)
        }
    }

    @Test func castJoinAndLeave() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let joined = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            #expect(joined.status == 200)
            let member = try #require((joined.object["casters"] as? [[String: Any]])?.first)
            #expect(member["is_live"] as? Bool == false)
            #expect(member.keys.contains("stream_url") && member["stream_url"] is NSNull)
            #expect(
                member["id"] as? String
                    == CasterID.of(race: UUID(uuidString: race)!, user: hub.ids["alice"]!).lowercased)
            let again = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            #expect(again.status == 409 && again.detail?.contains("already a caster") == true)
            _ = try await c.call(.post, "/api/races/\(race)/start", as: "org")
            #expect(try await c.call(.post, "/api/races/\(race)/cast-join", as: "bob").status == 200)
            #expect(try await c.casters(race) == ["alice", "bob"])
            #expect(try await c.call(.post, "/api/races/\(race)/cast-leave", as: "bob").status == 200)
            let notCaster = try await c.call(.post, "/api/races/\(race)/cast-leave", as: "bob")
            #expect(notCaster.status == 404)
            _ = try await c.call(.post, "/api/races/\(race)/finish", as: "org")
            let finished = try await c.call(.post, "/api/races/\(race)/cast-join", as: "carol")
            #expect(finished.status == 400 && finished.detail?.contains("finished") == true)
            #expect(try await c.call(.post, "/api/races/\(UUID().uuidString)/cast-join", as: "carol").status == 404)
        }
    }

    @Test func participantsAndCasterConflicts() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            #expect(
                try await c.call(
                    .post, "/api/races/\(race)/participants", as: "alice", json: ["twitch_username": "bob"]
                ).status == 403)
            #expect(
                try await c.call(
                    .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "ghost"]
                ).status == 404)
            #expect(
                try await c.call(
                    .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "bad name"]
                ).status == 422)
            let added = try await c.call(
                .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "Bob"])
            #expect(added.status == 200 && (added.object["participants"] as? [Any])?.count == 1)
            #expect(
                try await c.call(.post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "bob"])
                    .status == 409)
            let participantJoins = try await c.call(.post, "/api/races/\(race)/cast-join", as: "bob")
            #expect(participantJoins.status == 409 && participantJoins.detail?.contains("participant") == true)
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let casterAsParticipant = try await c.call(
                .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "alice"])
            #expect(casterAsParticipant.status == 409)
        }
    }

    @Test func organizerAddsAndRemovesCasters() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            #expect(
                try await c.call(.post, "/api/races/\(race)/casters", as: "alice", json: ["twitch_username": "bob"])
                    .status == 403)
            // 404 (unknown user) comes before 403 (not organizer).
            #expect(
                try await c.call(.post, "/api/races/\(race)/casters", as: "alice", json: ["twitch_username": "ghost"])
                    .status == 404)
            let added = try await c.call(
                .post, "/api/races/\(race)/casters", as: "org", json: ["twitch_username": "bob"])
            #expect(added.status == 200)
            #expect(
                try await c.call(.post, "/api/races/\(race)/casters", as: "org", json: ["twitch_username": "bob"])
                    .status == 409)
            _ = try await c.call(
                .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "carol"])
            #expect(
                try await c.call(.post, "/api/races/\(race)/casters", as: "org", json: ["twitch_username": "carol"])
                    .status == 409)
            let casterID = try #require((added.object["casters"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await c.call(.delete, "/api/races/\(race)/casters/\(casterID)", as: "alice").status == 403)
            #expect(
                try await c.call(.delete, "/api/races/\(race)/casters/\(UUID().uuidString)", as: "org").status == 404)
            #expect(try await c.call(.delete, "/api/races/\(race)/casters/nope", as: "org").status == 422)
            let removed = try await c.call(.delete, "/api/races/\(race)/casters/\(casterID)", as: "org")
            #expect(removed.status == 200 && (removed.object["casters"] as? [Any])?.isEmpty == true)
            #expect(try await c.call(.delete, "/api/races/\(race)/casters/\(casterID)", as: "org").status == 404)
            // Same caster id after re-joining.
            let rejoined = try await c.call(.post, "/api/races/\(race)/cast-join", as: "bob")
            #expect((rejoined.object["casters"] as? [[String: Any]])?.first?["id"] as? String == casterID)

            // The organizer removes a participant by member id, with the same refusals.
            let carol = try await c.call(.get, "/api/races/\(race)")
            let participantID = try #require(
                (carol.object["participants"] as? [[String: Any]])?.first?["id"] as? String)
            let carolPath = "/api/races/\(race)/participants/\(participantID)"
            #expect(try await c.call(.delete, carolPath, as: "alice").status == 403)
            #expect(try await c.call(.delete, carolPath).status == 401)
            #expect(try await c.call(.delete, "/api/races/\(race)/participants/nope", as: "org").status == 422)
            let gone = try await c.call(.delete, carolPath, as: "org")
            #expect(gone.status == 200 && (gone.object["participants"] as? [Any])?.isEmpty == true)
            let again = try await c.call(.delete, carolPath, as: "org")
            #expect(again.status == 404 && again.object["detail"] as? String == "participant not found in this race")
        }
    }

    @Test func membersAreSortedByLogin() async throws {
        let hub = try await HubHarness(users: ["org", "zed", "amy", "mia"])
        try await hub.run { c in
            let race = try await c.race()
            for login in ["zed", "amy", "mia"] {
                _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: login)
            }
            #expect(try await c.casters(race) == ["amy", "mia", "zed"])
        }
    }

    @Test func oversizedBodiesAre413AndUnknownRoutes404() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let big = "{\"name\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"
            let reply = try await c.call(.post, "/api/races", as: "org", raw: big)
            #expect(reply.status == 413 && reply.detail != nil, "\(reply.status) \(reply.text.prefix(200))")
            #expect(try await c.call(.get, "/api/races").array.isEmpty)
            let missing = try await c.call(.get, "/no/such/route")
            #expect(missing.status == 404 && missing.detail != nil)
        }
    }

    @Test func metricsCountRequests() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            _ = try await c.call(.get, "/healthz")
            let metrics = try await c.call(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("racesync_http_requests_total"))
            // Hummingbird's metrics middleware, under the hub's names (recorded once the body is written).
            #expect(
                metrics.text.contains(#"racesync_http_requests_total{route="/healthz",method="GET",status="200"}"#))
            #expect(metrics.text.contains("racesync_http_request_duration_seconds_bucket"))
        }
    }
}

@Suite struct MethodNotAllowedTests {
    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let reply = try await c.call(.put, "/api/races")
            #expect(reply.status == 405 && reply.detail != nil)
            #expect(reply.headers[.allow] == "GET, POST")
            let race = try await c.race()
            #expect(try await c.call(.get, "/api/races/\(race)/cast-join").status == 405)
            #expect(try await c.call(.get, "/api/nothing/here").status == 404)
        }
    }
}
