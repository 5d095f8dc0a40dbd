import FakeHelix
import Foundation
import Logging
import Testing

@testable import RaceService
@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

/// Twitch profiles (`GET /users`, CONTRACT §5): the poll gives each polled user their Twitch id,
/// display name and profile image, asks again only when a day old, and never links a login that
/// changed hands.
@Suite struct TwitchProfileTests {
    @Test func thePollRecordsProfilesOnceADay() async throws {
        let h = try await TwitchHarness()
        let race = try await h.raceWithParticipants(["alice", "bob", "carol"])
        h.fake.state.addAccount("alice", id: "11", displayName: "Alice A")
        h.fake.state.addAccount("bob", id: "22", profileImageURL: "http://insecure.example/bob.png")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let poller = LivePoller(
            store: h.store.hub, helix: h.helix, interval: .seconds(60), logger: logger, profiles: h.store.hub)

        try await poller.pollOnce()
        let detail = try #require(try h.store.raceDetail(race.id))
        let users = Dictionary(uniqueKeysWithValues: detail.participants.map { ($0.user.twitchUsername, $0.user) })
        #expect(users["alice"]?.twitchUserID == "11" && users["alice"]?.twitchDisplayName == "Alice A")
        #expect(
            users["alice"]?.avatarURL
                == "https://static-cdn.jtvnw.net/jtv_user_pictures/alice-profile_image-300x300.png")
        #expect(users["bob"]?.twitchUserID == "22" && users["bob"]?.avatarURL == nil)  // not https: not kept
        #expect(users["carol"]?.twitchUserID == nil)  // Twitch does not know her
        #expect(h.fake.state.usersRequests == 1)
        // Users changed reach replicas through the log.
        let pulled = try await h.store.hub.pull(since: nil, limit: 100)
        #expect(pulled.entries.contains { $0.kind == "user" && $0.payload.contains("\"twitch_user_id\":\"11\"") })

        // Not asked again within a day (carol included: she was asked); due again after one.
        try await poller.pollOnce()
        #expect(h.fake.state.usersRequests == 1)
        let tomorrow = Date().addingTimeInterval(25 * 3600)
        #expect(try await h.store.hub.loginsNeedingProfiles(["alice", "bob", "carol"], at: tomorrow).count == 3)

        // Twitch now says "bob" is another account: the login changed hands; bob keeps his link.
        let changed = try await h.store.hub.recordProfiles(
            [TwitchProfile(userID: "33", login: "bob", displayName: "Imposter", avatarURL: nil)], asked: ["bob"],
            at: tomorrow)
        #expect(changed == 0)
        #expect(try h.store.user(login: "bob")?.twitchUserID == "22")
        await h.shutdown()
    }
}
