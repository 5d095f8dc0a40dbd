import Foundation
import HTTPTypes
import SyncCore
import Synchronization
import Testing

@testable import HubHTTP

/// Twitch as the sign-in routes see it: the account a code belongs to, or the error set.
final class StubTwitchSignIn: TwitchSignIn {
    let answer = Mutex<Result<TwitchAccount, TwitchSignInError>>(
        .success(TwitchAccount(userID: "1001", login: "alice", displayName: "Alice")))
    let codes = Mutex<[String]>([])

    func authorizeURL(state: String, redirectURI: String) -> String {
        "https://twitch.test/authorize?state=\(state)&redirect_uri=\(redirectURI)"
    }

    func account(code: String, redirectURI: String) async throws(TwitchSignInError) -> TwitchAccount {
        codes.withLock { $0.append(code) }
        return try answer.withLock { $0 }.get()
    }
}

/// `GET /auth/twitch` and its callback (CONTRACT §8): state bound to a one-use cookie, every
/// failure a page and no session.
@Suite struct TwitchSignInRouteTests {
    typealias S = SignInTests

    /// Starts a sign-in; returns the state cookie (as a Cookie header value) and the state.
    func start(_ c: HubHarness.Client, next: String = "/") async throws -> (cookie: String, state: String) {
        let reply = try await c.call(.get, "/auth/twitch?next=\(next)")
        #expect(reply.status == 302)
        let location = try #require(reply.headers[.location])
        #expect(location.hasPrefix("https://twitch.test/authorize?state="))
        #expect(location.hasSuffix("redirect_uri=\(S.origin)/auth/twitch/callback"))
        let state = String(try #require(location.firstMatch(of: /state=([A-Za-z0-9_-]+)/)?.1))
        let setCookie = try #require(reply.headers[.setCookie])
        #expect(setCookie.hasPrefix("racesync_oauth=") && setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Lax") && setCookie.contains("Max-Age=600"))
        return (String(setCookie.split(separator: ";")[0]), state)
    }

    @Test func aTwitchSignInOpensASessionOnceAndOnlyForItsOwnState() async throws {
        let hub = try await HubHarness()
        let twitch = StubTwitchSignIn()
        try await hub.run(publicURL: S.origin, twitchSignIn: twitch) { c in
            #expect(try await c.call(.get, "/login").text.contains("Log in with Twitch"))
            let (cookie, state) = try await start(c, next: "/races/abc")

            // Another browser's state, no state cookie, or no code: a page, no session.
            for (query, header) in [
                ("code=c&state=\(WebSessionIDs.other)", cookie), ("code=c&state=\(state)", ""),
                ("state=\(state)", cookie),
            ] {
                let reply = try await c.call(.get, "/auth/twitch/callback?\(query)", headers: [.cookie: header])
                #expect(reply.status == 400 && reply.text.contains("Sign-in not valid"))
                #expect(!reply.headers[values: .setCookie].contains { $0.hasPrefix("racesync_session=") })
            }
            #expect(twitch.codes.withLock { $0 }.isEmpty)

            let done = try await c.call(
                .get, "/auth/twitch/callback?code=good&state=\(state)", headers: [.cookie: cookie])
            #expect(done.status == 303 && done.headers[.location] == "/races/abc")
            let cookies = done.headers[values: .setCookie]
            #expect(cookies.contains { $0.hasPrefix("racesync_session=") && !$0.contains("Max-Age=0") })
            #expect(cookies.contains { $0.hasPrefix("racesync_oauth=;") && $0.contains("Max-Age=0") })
            // Twitch's alice is the user `syncd user add alice` made.
            let session = String(
                try #require(cookies.first { $0.hasPrefix("racesync_session=") }).split(separator: ";")[0])
            #expect(try await c.call(.get, "/", headers: [.cookie: session]).text.contains("Signed in as Alice"))
            #expect(twitch.codes.withLock { $0 } == ["good"])
        }
    }

    @Test func cancelledRefusedAndUnreachableSignInsArePagesWithoutASession() async throws {
        let hub = try await HubHarness()
        let twitch = StubTwitchSignIn()
        try await hub.run(publicURL: S.origin, twitchSignIn: twitch) { c in
            var (cookie, state) = try await start(c)
            let cancelled = try await c.call(
                .get, "/auth/twitch/callback?error=access_denied&error_description=x&state=\(state)",
                headers: [.cookie: cookie])
            #expect(cancelled.status == 400 && cancelled.text.contains("Sign-in cancelled"))

            for (error, status, text) in [
                (TwitchSignInError.refused("Invalid authorization code"), 400, "Twitch refused the sign-in"),
                (.unavailable("status 503 from /token"), 502, "Twitch is not answering"),
                (.badAnswer("the token answer has no access_token"), 502, "Twitch is not answering"),
            ] {
                twitch.answer.withLock { $0 = .failure(error) }
                (cookie, state) = try await start(c)
                let reply = try await c.call(
                    .get, "/auth/twitch/callback?code=c&state=\(state)", headers: [.cookie: cookie])
                #expect(reply.status == status && reply.text.contains(text), "\(error)")
                #expect(!reply.headers[values: .setCookie].contains { $0.hasPrefix("racesync_session=") })
            }
        }
    }

    @Test func withoutAPublicURLOrCredentialsOnlyTheTokenFormIsOffered() async throws {
        let hub = try await HubHarness()
        try await hub.run(twitchSignIn: StubTwitchSignIn()) { c in
            let login = try await c.call(.get, "/login")
            #expect(!login.text.contains("Log in with Twitch"))
            let start = try await c.call(.get, "/auth/twitch")
            #expect(start.status == 404)
        }
    }
}

enum WebSessionIDs {
    static let other = String(repeating: "A", count: 43)
}
