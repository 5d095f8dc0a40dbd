import Foundation
import RaceService
import SyncCore
import Testing

/// Which RaceSync user a Twitch account signs in as, on both backends (CONTRACT §8).
@Suite struct TwitchLinkConformanceTests {
    @Test(arguments: Backend.allCases)
    func accountsLinkByIdThenByLoginAndFollowRenames(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        // `syncd user add alice` before her first sign-in: she *is* Twitch's alice.
        let alice = try await hub.user("alice")
        let first = try await store.user(
            signingInAs: TwitchAccount(userID: "1001", login: "alice", displayName: "Alice"))
        #expect(first.id == alice.id && first.twitchDisplayName == "Alice")

        // Renamed on Twitch: the same user, with the new login, for every replica.
        let head = try await store.logHead()
        let renamed = try await store.user(
            signingInAs: TwitchAccount(userID: "1001", login: "alice_speedruns", displayName: nil))
        #expect(renamed.id == alice.id && renamed.twitchUsername == "alice_speedruns")
        #expect(renamed.twitchDisplayName == "Alice")
        let changes = try await store.pull(since: head, limit: 10).entries.count
        #expect(changes == 1)
        #expect(try await store.users().map(\.twitchUsername).contains("alice_speedruns"))

        // A new account becomes a new user; signing in again is the same user, nothing written.
        let bob = try await store.user(signingInAs: TwitchAccount(userID: "2002", login: "bob", displayName: "Bob"))
        #expect(bob.twitchUsername == "bob" && bob.id != alice.id)
        let again = try await store.logHead()
        #expect(
            try await store.user(signingInAs: TwitchAccount(userID: "2002", login: "bob", displayName: "Bob")) == bob)
        #expect(try await store.pull(since: again, limit: 10).entries.isEmpty)

        // A login held by a user linked to another Twitch account is not handed over.
        await #expect(throws: TwitchLinkError.loginHeldByAnotherAccount("bob")) {
            try await store.user(signingInAs: TwitchAccount(userID: "3003", login: "bob", displayName: nil))
        }
        await #expect(throws: TwitchLinkError.loginHeldByAnotherAccount("bob")) {
            try await store.user(signingInAs: TwitchAccount(userID: "1001", login: "bob", displayName: nil))
        }
    }
}

/// The organizer's caster search, on both backends.
@Suite struct UserSearchConformanceTests {
    @Test(arguments: Backend.allCases)
    func usersAreFoundByLoginPrefixInLoginOrder(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        for login in ["alice", "al_x", "alfred", "bob", "al", "alz9"] { _ = try await hub.user(login) }
        let store = hub.storage
        #expect(
            try await store.users(loginPrefix: "al", limit: 10).map(\.twitchUsername) == [
                "al", "al_x", "alfred", "alice", "alz9",
            ])
        #expect(try await store.users(loginPrefix: "al_", limit: 10).map(\.twitchUsername) == ["al_x"])
        #expect(try await store.users(loginPrefix: "al", limit: 2).map(\.twitchUsername) == ["al", "al_x"])
        #expect(try await store.users(loginPrefix: "zz", limit: 10).isEmpty)
    }
}
