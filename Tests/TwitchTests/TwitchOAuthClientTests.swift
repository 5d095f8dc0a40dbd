import Foundation
import NIOHTTP1
import SyncCore
import Synchronization
import Testing

@testable import SyncTwitch

/// Twitch's answers, scripted per path, as the OAuth client sees them.
final class ScriptedTwitch: TwitchTransport {
    let answers: Mutex<[String: TwitchHTTPResponse]>
    let seen = Mutex<[(method: String, url: String, headers: [(String, String)], body: String)]>([])

    init(_ answers: [String: (Int, String)]) {
        self.answers = Mutex(
            answers.mapValues { TwitchHTTPResponse(status: $0.0, headers: [:], body: Data($0.1.utf8)) })
    }

    func send(method: HTTPMethod, url: String, headers: [(String, String)], body: Data?, timeout: Duration)
        async throws -> TwitchHTTPResponse
    {
        seen.withLock { $0.append(("\(method)", url, headers, String(decoding: body ?? Data(), as: UTF8.self))) }
        let path = String(url.split(separator: "?")[0].split(separator: "/").last ?? "")
        guard let answer = answers.withLock({ $0[path] }) else { throw TwitchError.unreachable("connection refused") }
        return answer
    }
}

/// The authorization code flow against every answer Twitch documents for it.
@Suite struct TwitchOAuthClientTests {
    static let config = TwitchConfig(
        clientID: "cid", clientSecret: "secret", apiURL: "https://api.test/helix", authURL: "https://id.test/oauth2")
    static let token = (
        200, #"{"access_token":"usertoken","expires_in":14000,"refresh_token":"r","scope":[],"token_type":"bearer"}"#
    )
    static let validate = (200, #"{"client_id":"cid","login":"alice","user_id":"1001","scopes":[],"expires_in":14000}"#)
    static let users = (200, #"{"data":[{"id":"1001","login":"alice","display_name":"Alice"}]}"#)

    func account(_ answers: [String: (Int, String)]) async -> (Result<TwitchAccount, TwitchSignInError>, ScriptedTwitch)
    {
        let twitch = ScriptedTwitch(answers)
        let client = TwitchOAuthClient(config: Self.config, transport: twitch)
        do {
            return (.success(try await client.account(code: "c0de", redirectURI: "https://hub.test/cb")), twitch)
        } catch {
            return (.failure(error), twitch)
        }
    }

    @Test func aCodeBecomesTheAccountThatSignedIn() async throws {
        let (result, twitch) = await account(["token": Self.token, "validate": Self.validate, "users": Self.users])
        #expect(try result.get() == TwitchAccount(userID: "1001", login: "alice", displayName: "Alice"))
        let calls = twitch.seen.withLock { $0 }
        #expect(
            calls.map(\.url) == [
                "https://id.test/oauth2/token", "https://id.test/oauth2/validate",
                "https://api.test/helix/users?id=1001",
            ])
        #expect(calls[0].method == "POST")
        #expect(
            calls[0].body
                == "client_id=cid&client_secret=secret&code=c0de&grant_type=authorization_code&redirect_uri=https%3A%2F%2Fhub.test%2Fcb"
        )
        #expect(calls[1].headers.contains { $0 == ("Authorization", "OAuth usertoken") })
        #expect(calls[2].headers.contains { $0 == ("Client-Id", "cid") })
    }

    @Test func theAuthorizeAddressCarriesStateAndTheRedirect() {
        let url = TwitchOAuthClient(config: Self.config, transport: ScriptedTwitch([:])).authorizeURL(
            state: "s-1_x", redirectURI: "https://hub.test/auth/twitch/callback")
        #expect(
            url
                == "https://id.test/oauth2/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fhub.test%2Fauth%2Ftwitch%2Fcallback&scope=&state=s-1_x"
        )
    }

    @Test func everyFailureIsAnErrorNeverAnAccount() async {
        let cases: [([String: (Int, String)], TwitchSignInError)] = [
            (
                ["token": (400, #"{"status":400,"message":"Invalid authorization code"}"#)],
                .refused("Invalid authorization code")
            ),
            (["token": (403, #"{"status":403,"message":"invalid client secret"}"#)], .refused("invalid client secret")),
            (["token": (500, "oops")], .unavailable("status 500 from /token")),
            (["token": (200, #"{"expires_in":1}"#)], .badAnswer("the token answer has no access_token")),
            ([:], .unavailable("Twitch unreachable: connection refused")),
            (
                ["token": Self.token, "validate": (401, #"{"status":401,"message":"invalid access token"}"#)],
                .refused("invalid access token")
            ),
            (
                ["token": Self.token, "validate": (200, #"{"client_id":"other","login":"alice","user_id":"1001"}"#)],
                .refused("the token was issued to another app")
            ),
            (
                ["token": Self.token, "validate": (200, #"{"client_id":"cid","login":"no way","user_id":"1001"}"#)],
                .badAnswer("login 'no way' or user id is not valid")
            ),
            (["token": Self.token, "validate": (502, "")], .unavailable("status 502 from /validate")),
        ]
        for (answers, expected) in cases {
            let (result, _) = await account(answers)
            #expect(result == .failure(expected), "\(answers.keys.sorted())")
        }
    }

    @Test func withoutHelixTheSignInGoesOnWithTheLogin() async throws {
        let (result, _) = await account(["token": Self.token, "validate": Self.validate, "users": (401, "{}")])
        #expect(try result.get() == TwitchAccount(userID: "1001", login: "alice", displayName: nil))
    }
}
