import Foundation
import Testing

@testable import HubHTTP

/// `GET /api/users?q=PREFIX&limit=N` (CONTRACT §2).
@Suite struct UserSearchRouteTests {
    @Test func usersAreSearchedByLoginPrefixForAnyUser() async throws {
        let hub = try await HubHarness(users: ["org", "alice", "alfred", "bob"])
        try await hub.run { c in
            let found = try await c.call(.get, "/api/users?q=AL", as: "org")
            #expect(found.status == 200)
            #expect(found.array.map { $0["twitch_username"] as? String } == ["alfred", "alice"])
            #expect(found.array.allSatisfy { $0["id"] is String })
            #expect(try await c.call(.get, "/api/users?q=al&limit=1", as: "org").array.count == 1)
            #expect(try await c.call(.get, "/api/users?q=al").status == 401)
            for bad in ["", "a%20b", String(repeating: "a", count: 26), "%3Cscript%3E"] {
                #expect(try await c.call(.get, "/api/users?q=\(bad)", as: "org").status == 422, "\(bad)")
            }
            #expect(try await c.call(.get, "/api/users?q=al&limit=51", as: "org").status == 422)
        }
    }

    @Test func aSignedInPageSearchesWithItsSessionAndAWrongTokenStillFails() async throws {
        let hub = try await HubHarness(users: ["org", "alice", "alfred"])
        try await hub.run(publicURL: SignInTests.origin) { c in
            let org = try await SignInTests.signIn(c, "org")
            let found = try await c.call(.get, "/api/users?q=al", headers: [.cookie: org.cookie])
            #expect(found.status == 200 && found.array.count == 2)
            #expect(
                try await c.call(.get, "/api/users?q=al", headers: [.cookie: "racesync_session=forged"]).status == 401)
            // A bearer header is checked as one, whatever the cookie says.
            let wrong = try await c.call(
                .get, "/api/users?q=al", token: "rs_wrong", headers: [.cookie: org.cookie])
            #expect(wrong.status == 401)
        }
    }
}
