import Foundation
import HTTPTypes
import Testing

@testable import HubHTTP

/// `/settings/tokens` (CONTRACT §8): a user makes, sees and revokes their own API tokens.
@Suite struct TokenPageTests {
    typealias S = SignInTests

    @Test func aUserMakesUsesAndRevokesATokenWithoutAnAdmin() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: S.origin) { c in
            let signedOut = try await c.call(.get, "/settings/tokens")
            #expect(signedOut.headers[.location] == "/login?next=/settings/tokens")

            let alice = try await S.signIn(c, "alice")
            let list = try await c.call(.get, "/settings/tokens", headers: [.cookie: alice.cookie])
            #expect(list.status == 200 && list.text.contains("syncd user add"))
            #expect(!list.text.contains(c.tokens["alice"]!))  // never a secret

            let made = try await c.call(
                .post, "/settings/tokens", raw: S.body([("csrf", alice.csrf), ("name", "laptop")]),
                headers: S.form([:], cookie: alice.cookie))
            #expect(made.status == 201 && made.text.contains("it is not shown again"))
            let secret = String(
                try #require(made.text.firstMatch(of: /<code class="secret">(rs_[A-Za-z0-9_-]+)<\/code>/)?.1))
            #expect(try await c.call(.get, "/api/me", token: secret).object["twitch_username"] as? String == "alice")
            let after = try await c.call(.get, "/settings/tokens", headers: [.cookie: alice.cookie])
            #expect(after.text.contains(">laptop<") && !after.text.contains(secret))

            // Bob cannot revoke Alice's token, even knowing its id; Alice can.
            let revoke = String(
                try #require(after.text.firstMatch(of: /action="(\/settings\/tokens\/[^"]+\/revoke)"/)?.1))
            let bob = try await S.signIn(c, "bob")
            let forged = try await c.call(
                .post, revoke, raw: S.body([("csrf", bob.csrf)]), headers: S.form([:], cookie: bob.cookie))
            #expect(forged.status == 404)
            #expect(try await c.call(.get, "/api/me", token: secret).status == 200)
            let revoked = try await c.call(
                .post, revoke, raw: S.body([("csrf", alice.csrf)]), headers: S.form([:], cookie: alice.cookie))
            #expect(revoked.status == 303)
            #expect(try await c.call(.get, "/api/me", token: secret).status == 401)
            // Without the form token nothing is made.
            let noToken = try await c.call(
                .post, "/settings/tokens", raw: S.body([("name", "x")]), headers: S.form([:], cookie: alice.cookie))
            #expect(noToken.status == 403)
        }
    }
}
