import Foundation
import HTTPTypes
import Testing

@testable import HubHTTP

/// The device login's routes (RFC 8628, CONTRACT §8): codes for a device, the verification page
/// for a signed-in person, and the poll's answers as the RFC has them.
@Suite struct DeviceLoginRouteTests {
    typealias S = SignInTests

    @Test func aDeviceGetsATokenOnceASignedInPersonApproves() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: S.origin) { c in
            let codes = try await c.call(.post, "/api/device/code", json: ["name": "racecli on laptop"])
            #expect(codes.status == 200 && codes.headers[.cacheControl] == "no-store")
            let deviceCode = try #require(codes.object["device_code"] as? String)
            let userCode = try #require(codes.object["user_code"] as? String)
            #expect(userCode.wholeMatch(of: /[A-Z]{4}-[A-Z]{4}/) != nil)
            #expect(codes.object["verification_uri"] as? String == S.origin + "/device")
            #expect(codes.object["verification_uri_complete"] as? String == S.origin + "/device?user_code=" + userCode)
            #expect(codes.object["expires_in"] as? Int == 600 && codes.object["interval"] as? Int == 5)

            let poll = try await c.call(.post, "/api/device/token", json: ["device_code": deviceCode])
            #expect(poll.status == 400 && poll.object["error"] as? String == "authorization_pending")
            let tooFast = try await c.call(.post, "/api/device/token", json: ["device_code": deviceCode])
            #expect(tooFast.status == 400 && tooFast.object["error"] as? String == "slow_down")

            // Signed out, the page sends the person to log in and back.
            let signedOut = try await c.call(.get, "/device?user_code=" + userCode)
            #expect(signedOut.status == 303)
            #expect(signedOut.headers[.location] == "/login?next=/device%3Fuser_code%3D" + userCode)

            let alice = try await S.signIn(c, "alice")
            let page = try await c.call(
                .get, "/device?user_code=" + userCode.lowercased(), headers: [.cookie: alice.cookie])
            #expect(page.status == 200 && page.text.contains("racecli on laptop") && page.text.contains(userCode))
            // Another site cannot approve for her, nor can a post without her form token.
            let crossSite = try await c.call(
                .post, "/device",
                raw: S.body([("csrf", alice.csrf), ("user_code", userCode), ("decision", "approve")]),
                headers: S.form([:], cookie: alice.cookie, origin: "https://evil.example"))
            #expect(crossSite.status == 403)
            let noToken = try await c.call(
                .post, "/device", raw: S.body([("user_code", userCode), ("decision", "approve")]),
                headers: S.form([:], cookie: alice.cookie))
            #expect(noToken.status == 403)
            let approved = try await c.call(
                .post, "/device",
                raw: S.body([("csrf", alice.csrf), ("user_code", userCode), ("decision", "approve")]),
                headers: S.form([:], cookie: alice.cookie))
            #expect(approved.status == 200 && approved.text.contains("Approved"))

            // The poll that follows (after the interval) gets the token; it is Alice's.
            hub.clock.advance(10_001)
            let token = try await c.call(.post, "/api/device/token", json: ["device_code": deviceCode])
            #expect(token.status == 200 && token.object["token_type"] as? String == "bearer")
            let secret = try #require(token.object["access_token"] as? String)
            #expect(try await c.call(.get, "/api/me", token: secret).object["twitch_username"] as? String == "alice")
            let again = try await c.call(.post, "/api/device/token", json: ["device_code": deviceCode])
            #expect(again.status == 400 && again.object["error"] as? String == "invalid_grant")
        }
    }

    @Test func refusalsAreTheRFCsAndBadInputIsNamed() async throws {
        let hub = try await HubHarness()
        try await hub.run(publicURL: S.origin) { c in
            let unknown = try await c.call(.post, "/api/device/token", json: ["device_code": "nope"])
            #expect(unknown.status == 400 && unknown.object["error"] as? String == "invalid_grant")
            let missing = try await c.call(.post, "/api/device/token", raw: "")
            #expect(missing.status == 422)
            let malformed = try await c.call(.post, "/api/device/code", raw: "{\"name\": 5}")
            #expect(malformed.status == 422)
            // RFC 8628's own form encoding is read as well.
            let form = try await c.call(
                .post, "/api/device/token", raw: "device_code=nope",
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == 400 && form.object["error"] as? String == "invalid_grant")

            let codes = try await c.call(.post, "/api/device/code", raw: "")
            let deviceCode = try #require(codes.object["device_code"] as? String)
            let userCode = try #require(codes.object["user_code"] as? String)
            let bob = try await S.signIn(c, "bob")
            let denied = try await c.call(
                .post, "/device", raw: S.body([("csrf", bob.csrf), ("user_code", userCode), ("decision", "deny")]),
                headers: S.form([:], cookie: bob.cookie))
            #expect(denied.status == 200 && denied.text.contains("Denied"))
            let poll = try await c.call(.post, "/api/device/token", json: ["device_code": deviceCode])
            #expect(poll.object["error"] as? String == "access_denied")
            let wrong = try await c.call(.get, "/device?user_code=BCDF-GHJK", headers: [.cookie: bob.cookie])
            #expect(wrong.status == 404 && wrong.text.contains("No device login is waiting"))

            // Asking for codes is limited per client: ten at once (two were asked for above), then 429
            // (one more comes back every 6 s: a slow run may see a ninth).
            var statuses: [Int] = []
            for _ in 0..<11 { statuses.append(try await c.call(.post, "/api/device/code", raw: "").status) }
            #expect(statuses.prefix(8).allSatisfy { $0 == 200 } && statuses.last == 429)
            #expect(statuses == statuses.sorted(), "all 200s before the first 429: \(statuses)")
        }
    }
}
