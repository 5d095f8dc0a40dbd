import Foundation
import RaceService
import SyncCore
import Testing

/// Twitch profiles (`GET /users`) on both backends: recorded, logged for replicas, shown wherever
/// a user is read (detail, list, token and session lookups), refreshed when a day old.
@Suite struct TwitchProfileConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.allCases)
    func profilesAreRecordedAndReadEverywhere(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let (org, token) = try await hub.addUser("org")
        let other = try await hub.user("other")
        let race = try await store.createRace(name: "Race", organizer: org.id).id
        #expect(try await store.loginsNeedingProfiles(["org", "other", "ghost"], at: Self.now) == ["org", "other"])

        let avatar = "https://static-cdn.jtvnw.net/org.png"
        let changed = try await store.recordProfiles(
            [
                TwitchProfile(userID: "1", login: "org", displayName: "The Org", avatarURL: avatar),
                TwitchProfile(userID: "1", login: "other", displayName: "Copy", avatarURL: nil),  // id taken
            ], asked: ["org", "other"], at: Self.now)
        #expect(changed == 1)
        let expected = User(
            id: org.id, twitchUsername: "org", twitchDisplayName: "The Org", twitchUserID: "1", avatarURL: avatar)
        #expect(try await store.raceDetail(race)?.organizer == expected)
        #expect(try await store.raceSummaries(status: nil, before: nil, limit: 10).races.first?.organizer == expected)
        #expect(try await store.user(token: token) == expected)
        let session = try await store.openSession(for: expected)
        #expect(try await store.signedIn(session: session)?.user == expected)
        #expect(try await store.users(loginPrefix: "o", limit: 10) == [expected, other])
        let log = try await store.pull(since: nil, limit: 100)
        #expect(log.entries.contains { $0.kind == "user" && $0.payload.contains(#""avatar_url":"https:"#) })

        #expect(try await store.loginsNeedingProfiles(["org", "other"], at: Self.now.addingTimeInterval(3600)).isEmpty)
        #expect(
            try await store.loginsNeedingProfiles(["org", "other"], at: Self.now.addingTimeInterval(25 * 3600)).count
                == 2)
    }
}
