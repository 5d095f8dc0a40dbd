import Foundation
import HTTPTypes
import RaceService
import SyncCore
import Testing

@testable import HubHTTP

/// A stand-in for Helix's `/streams`: the title of whoever goes live.
struct StubStreamLookup: StreamLookup {
    func liveStream(login: String, observedAt: Date) async throws -> LiveStream? {
        LiveStream(streamID: "9001", title: "\(login) speedruns", startedAt: observedAt, observedAt: observedAt)
    }
}

/// `POST /twitch/eventsub` (CONTRACT §5): signed by Twitch or refused, replays and stale messages
/// without effect, the verification challenge answered, pushes applied at once.
@Suite struct EventSubRouteTests {
    static let secret = try! EventSubSecret("s3cRe7-for-tests")

    /// A message as Twitch signs it: the headers and the raw body.
    static func message(
        _ type: String, _ body: [String: Any], id: String = UUID().uuidString, sentAt: Date = Date(),
        signedWith secret: EventSubSecret = secret
    ) -> (headers: HTTPFields, body: String) {
        let text = String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let timestamp = Timestamp.format(sentAt)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[EventSubRoutes.messageID] = id
        headers[EventSubRoutes.timestamp] = timestamp
        headers[EventSubRoutes.messageType] = type
        headers[EventSubRoutes.signature] = EventSubSignature.expected(
            secret: secret, messageID: id, timestamp: timestamp, body: Data(text.utf8))
        return (headers, text)
    }

    static func online(_ login: String, twitchID: String = "1", stream: String = "9001") -> [String: Any] {
        [
            "subscription": ["id": "sub-1", "type": "stream.online", "status": "enabled"],
            "event": [
                "id": stream, "broadcaster_user_id": twitchID, "broadcaster_user_login": login,
                "broadcaster_user_name": login.capitalized, "type": "live",
                "started_at": "2026-12-02T17:00:00.123456789Z",
            ],
        ]
    }

    static func offline(_ login: String, twitchID: String = "1") -> [String: Any] {
        [
            "subscription": ["id": "sub-2", "type": "stream.offline", "status": "enabled"],
            "event": [
                "broadcaster_user_id": twitchID, "broadcaster_user_login": login, "broadcaster_user_name": login,
            ],
        ]
    }

    @Test func theSignatureIsTwitchsHMACAndEveryByteMatters() throws {
        // Computed independently (Python's hmac) for this secret, id, timestamp and body.
        let id = "e76c6bd4-55c9-4987-8304-da1588d8988b"
        let timestamp = "2019-11-16T10:11:12.634234626Z"
        let body = Data(#"{"a":1}"#.utf8)
        let signature = "sha256=0059a667605c8cf0dd6511703dc58c0bd4ccb8f10334f2ad34309f9493d6a606"
        #expect(
            EventSubSignature.expected(secret: Self.secret, messageID: id, timestamp: timestamp, body: body)
                == signature)
        #expect(
            EventSubSignature.isValid(signature, secret: Self.secret, messageID: id, timestamp: timestamp, body: body))
        func flipped(_ text: String, at index: Int) -> String {
            var bytes = Array(text.utf8)
            bytes[index] ^= 0x01
            return String(decoding: bytes, as: UTF8.self)
        }
        for index in 0..<signature.utf8.count {
            #expect(
                !EventSubSignature.isValid(
                    flipped(signature, at: index), secret: Self.secret, messageID: id, timestamp: timestamp, body: body)
            )
        }
        for index in 0..<id.utf8.count {
            #expect(
                !EventSubSignature.isValid(
                    signature, secret: Self.secret, messageID: flipped(id, at: index), timestamp: timestamp, body: body)
            )
        }
        for index in 0..<timestamp.utf8.count {
            #expect(
                !EventSubSignature.isValid(
                    signature, secret: Self.secret, messageID: id, timestamp: flipped(timestamp, at: index), body: body)
            )
        }
        for index in body.indices {
            var changed = body
            changed[index] ^= 0x01
            #expect(
                !EventSubSignature.isValid(
                    signature, secret: Self.secret, messageID: id, timestamp: timestamp, body: changed))
        }
        #expect(!EventSubSignature.isValid(nil, secret: Self.secret, messageID: id, timestamp: timestamp, body: body))
        #expect(throws: EventSubSecret.Invalid.self) { try EventSubSecret("short") }
        #expect(throws: EventSubSecret.Invalid.self) { try EventSubSecret("has a space in it") }
        #expect(throws: EventSubSecret.Invalid.self) { try EventSubSecret(String(repeating: "x", count: 101)) }
        #expect(throws: Never.self) { try EventSubSecret("0123456789\n") }
    }

    @Test func pushesAreAppliedOnceAndForgedOrStaleOnesChangeNothing() async throws {
        let hub = try await HubHarness()
        try await hub.run(eventSubSecret: Self.secret, streamLookup: StubStreamLookup()) { c in
            let race = try await c.race()
            _ = try await c.call(
                .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "alice"])
            func aliceLive() async throws -> (Bool, String?) {
                let detail = try await c.call(.get, "/api/races/\(race)").object
                let alice = (detail["participants"] as? [[String: Any]])?.first
                return (alice?["is_live"] as? Bool ?? false, alice?["stream_url"] as? String)
            }

            let challenge: [String: Any] = [
                "challenge": "pogchamp-kappa-360noscope-vohiyo",
                "subscription": [
                    "id": "sub-1", "type": "stream.online", "status": "webhook_callback_verification_pending",
                ],
            ]
            let verification = Self.message("webhook_callback_verification", challenge)
            let answered = try await c.call(
                .post, "/twitch/eventsub", raw: verification.body, headers: verification.headers)
            #expect(answered.status == 200 && answered.text == "pogchamp-kappa-360noscope-vohiyo")
            #expect(answered.headers[.contentType] == "text/plain")

            // Wrong secret, or no signature: 403 and nothing happens.
            let forged = Self.message(
                "notification", Self.online("alice"), signedWith: try EventSubSecret("not-the-secret"))
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: forged.body, headers: forged.headers).status == 403)
            var unsigned = Self.message("notification", Self.online("alice"))
            unsigned.headers[EventSubRoutes.signature] = nil
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: unsigned.body, headers: unsigned.headers).status == 403
            )
            // Signed but sent 11 minutes ago: a replay, no effect.
            let stale = Self.message("notification", Self.online("alice"), sentAt: Date().addingTimeInterval(-660))
            #expect(try await c.call(.post, "/twitch/eventsub", raw: stale.body, headers: stale.headers).status == 204)
            #expect(try await aliceLive().0 == false)

            let online = Self.message("notification", Self.online("alice"))
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: online.body, headers: online.headers).status == 204)
            #expect(try await aliceLive() == (true, "https://twitch.tv/alice"))
            let feed = try await c.call(.get, "/feeds/live.rss")
            #expect(feed.text.contains("alice speedruns"))  // the title came from one Helix lookup

            // The same message delivered again (to any instance) does nothing, even after she went offline.
            let offline = Self.message("notification", Self.offline("alice"))
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: offline.body, headers: offline.headers).status == 204)
            #expect(try await aliceLive().0 == false)
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: online.body, headers: online.headers).status == 204)
            #expect(try await aliceLive().0 == false)

            // Someone RaceSync does not know, and a revocation: accepted, no effect.
            let stranger = Self.message("notification", Self.online("stranger", twitchID: "77"))
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: stranger.body, headers: stranger.headers).status == 204
            )
            let revoked = Self.message(
                "revocation",
                ["subscription": ["id": "sub-1", "type": "stream.online", "status": "authorization_revoked"]])
            #expect(
                try await c.call(.post, "/twitch/eventsub", raw: revoked.body, headers: revoked.headers).status == 204)

            let huge = Self.message("notification", ["pad": String(repeating: "x", count: 70_000)])
            #expect(try await c.call(.post, "/twitch/eventsub", raw: huge.body, headers: huge.headers).status == 413)
        }
    }

    @Test func withoutASecretThereIsNoWebhook() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let online = Self.message("notification", Self.online("alice"))
            let reply = try await c.call(.post, "/twitch/eventsub", raw: online.body, headers: online.headers)
            #expect(reply.status == 404)
        }
    }
}

/// Avatars (CONTRACT §5, the original showed one per member): the race page shows Twitch's
/// profile image once the poll recorded it, and the pages' policy lets only Twitch's image host in.
@Suite struct AvatarPageTests {
    @Test func membersShowTheirTwitchAvatar() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            _ = try await c.call(
                .post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "alice"])
            let avatar = "https://static-cdn.jtvnw.net/jtv_user_pictures/alice.png"
            try await hub.storage.recordProfiles(
                [TwitchProfile(userID: "7", login: "alice", displayName: "Alice", avatarURL: avatar)], asked: ["alice"],
                at: Date())
            let page = try await c.call(.get, "/races/\(race)")
            #expect(page.text.contains(#"<img class="avatar" src="\#(avatar)""#))
            #expect(
                page.headers[.contentSecurityPolicy]?.contains("img-src 'self' https://static-cdn.jtvnw.net") == true)
            let detail = try await c.call(.get, "/api/races/\(race)").object
            let alice = (detail["participants"] as? [[String: Any]])?.first?["user"] as? [String: Any]
            #expect(alice?["twitch_user_id"] as? String == "7" && alice?["avatar_url"] as? String == avatar)
            // Org was never looked up: the fields are there, null.
            let organizer = detail["organizer"] as? [String: Any]
            #expect(organizer?["twitch_user_id"] is NSNull && organizer?["avatar_url"] is NSNull)
        }
    }
}
