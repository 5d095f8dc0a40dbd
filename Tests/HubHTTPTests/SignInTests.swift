import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HubHTTP

/// Signing in on the hub's website with an API token, the signed-in race page's caster
/// controls, signing out, and what other sites and guessers get (CONTRACT §8).
@Suite struct SignInTests {
    static let origin = "http://hub.test"

    /// A form post from the hub's own page (`Origin` set as a browser sets it).
    static func form(_ fields: [String: String], cookie: String? = nil, origin: String = origin) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: origin]
        if let cookie { headers[.cookie] = cookie }
        return headers
    }

    static func body(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
    }

    /// Signs `login` in with their token; returns the `Cookie` header value and the form token.
    static func signIn(_ c: HubHarness.Client, _ login: String) async throws -> (cookie: String, csrf: String) {
        let reply = try await c.call(
            .post, "/login", raw: body([("token", c.tokens[login]!), ("next", "/")]), headers: form([:]))
        #expect(reply.status == 303)
        let setCookie = try #require(reply.headers[.setCookie])
        let pair = String(setCookie.split(separator: ";")[0])
        let page = try await c.call(.get, "/", headers: [.cookie: pair])
        let csrf = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        return (pair, String(csrf))
    }

    @Test func aTokenSignsInWithASessionCookieAndSignOutEndsIt() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: Self.origin) { c in
            let page = try await c.call(.get, "/login")
            #expect(page.status == 200 && page.text.contains("Sign in with a token"))
            #expect(!page.text.contains("Log in with Twitch"))  // no Twitch credentials on this hub

            let reply = try await c.call(
                .post, "/login", raw: Self.body([("token", c.tokens["alice"]!), ("next", "/races/x")]),
                headers: Self.form([:]))
            #expect(reply.status == 303 && reply.headers[.location] == "/races/x")
            let setCookie = try #require(reply.headers[.setCookie])
            #expect(setCookie.hasPrefix("racesync_session="))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            #expect(!setCookie.contains("Secure"))

            let (cookie, csrf) = try await Self.signIn(c, "alice")
            let front = try await c.call(.get, "/", headers: [.cookie: cookie])
            #expect(front.text.contains("Signed in as Alice") && front.text.contains("Sign out"))
            // Sign out without the form token is refused; with it, the session ends.
            let forged = try await c.call(
                .post, "/logout", raw: "", headers: Self.form([:], cookie: cookie))
            #expect(forged.status == 403)
            let out = try await c.call(
                .post, "/logout", raw: Self.body([("csrf", csrf)]), headers: Self.form([:], cookie: cookie))
            #expect(out.status == 303 && out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await c.call(.get, "/", headers: [.cookie: cookie])
            #expect(!after.text.contains("Signed in as") && after.text.contains("Log in"))
        }
    }

    @Test func signOutEverywhereEndsEverySessionOfThatUserOnly() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: Self.origin) { c in
            let phone = try await Self.signIn(c, "alice")
            let laptop = try await Self.signIn(c, "alice")
            let bob = try await Self.signIn(c, "bob")
            let out = try await c.call(
                .post, "/logout?everywhere=1", raw: Self.body([("csrf", phone.csrf)]),
                headers: Self.form([:], cookie: phone.cookie))
            #expect(out.status == 303)
            #expect(!(try await c.call(.get, "/", headers: [.cookie: laptop.cookie])).text.contains("Signed in as"))
            #expect(try await c.call(.get, "/", headers: [.cookie: bob.cookie]).text.contains("Signed in as Bob"))
        }
    }

    @Test func badTokensOtherSitesAndGuessersGetNoSession() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: Self.origin) { c in
            let wrong = try await c.call(
                .post, "/login", raw: Self.body([("token", "rs_" + String(repeating: "A", count: 43))]),
                headers: Self.form([:]))
            #expect(wrong.status == 401 && wrong.headers[.setCookie] == nil)
            #expect(wrong.text.contains("That API token is not valid here."))
            let crossSite = try await c.call(
                .post, "/login", raw: Self.body([("token", c.tokens["alice"]!)]),
                headers: Self.form([:], origin: "https://evil.example"))
            #expect(crossSite.status == 403 && crossSite.headers[.setCookie] == nil)
            let noOrigin = try await c.call(
                .post, "/login", raw: Self.body([("token", c.tokens["alice"]!)]),
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(noOrigin.status == 403)
            // Another site's address is never where a sign-in leads.
            let elsewhere = try await c.call(
                .post, "/login", raw: Self.body([("token", c.tokens["alice"]!), ("next", "//evil.example/x")]),
                headers: Self.form([:]))
            #expect(elsewhere.status == 303 && elsewhere.headers[.location] == "/")
            // Ten attempts a minute from one client, then 429 (the right token included).
            var statuses: [Int] = []
            for _ in 0..<10 {
                statuses.append(
                    try await c.call(.post, "/login", raw: Self.body([("token", "nope")]), headers: Self.form([:]))
                        .status)
            }
            // Two attempts were made above (a wrong token, the foreign `next`): eight more pass.
            #expect(statuses.prefix(8).allSatisfy { $0 == 401 } && statuses.last == 429)
            let limited = try await c.call(
                .post, "/login", raw: Self.body([("token", c.tokens["alice"]!)]), headers: Self.form([:]))
            #expect(limited.status == 429 && limited.headers[.setCookie] == nil)
        }
    }

    @Test func anHTTPSHubSetsASecureHostPrefixedCookie() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: "https://races.example") { c in
            let reply = try await c.call(
                .post, "/login", raw: Self.body([("token", c.tokens["alice"]!)]),
                headers: Self.form([:], origin: "https://races.example"))
            let setCookie = try #require(reply.headers[.setCookie])
            #expect(setCookie.hasPrefix("__Host-racesync_session=") && setCookie.contains("Secure"))
            #expect(setCookie.contains("Path=/") && !setCookie.contains("Domain"))
        }
    }

    @Test func castThisRaceYouAndLeaveOnTheHubsRacePage() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: Self.origin) { c in
            let race = try await c.race()
            let (cookie, csrf) = try await Self.signIn(c, "alice")
            let signedOut = try await c.call(.get, "/races/\(race)")
            #expect(!signedOut.text.contains("Cast this race") && signedOut.text.contains("Log in"))
            let page = try await c.call(.get, "/races/\(race)", headers: [.cookie: cookie])
            #expect(page.text.contains("Cast this race"))

            // Without the form token, or from another site, nothing changes.
            let noToken = try await c.call(
                .post, "/races/\(race)/cast-join", raw: "", headers: Self.form([:], cookie: cookie))
            #expect(noToken.status == 403)
            let crossSite = try await c.call(
                .post, "/races/\(race)/cast-join", raw: Self.body([("csrf", csrf)]),
                headers: Self.form([:], cookie: cookie, origin: "https://evil.example"))
            #expect(crossSite.status == 403)
            #expect(try await c.casters(race).isEmpty)

            let join = try await c.call(
                .post, "/races/\(race)/cast-join", raw: Self.body([("csrf", csrf)]),
                headers: Self.form([:], cookie: cookie))
            #expect(join.status == 303 && join.headers[.location] == "/races/\(race)")
            #expect(try await c.casters(race) == ["alice"])
            let joined = try await c.call(.get, "/races/\(race)", headers: [.cookie: cookie])
            #expect(joined.text.contains("(You)") && joined.text.contains(">Leave<"))
            #expect(!joined.text.contains("Cast this race"))

            // A refused join shows the hub's reason, with the rule's status.
            let again = try await c.call(
                .post, "/races/\(race)/cast-join", raw: Self.body([("csrf", csrf)]),
                headers: Self.form([:], cookie: cookie))
            #expect(again.status == 409 && again.text.contains("You are already a caster of this race."))

            let leave = try await c.call(
                .post, "/races/\(race)/cast-leave", raw: Self.body([("csrf", csrf)]),
                headers: Self.form([:], cookie: cookie))
            #expect(leave.status == 303)
            #expect(try await c.casters(race).isEmpty)
        }
    }
}
