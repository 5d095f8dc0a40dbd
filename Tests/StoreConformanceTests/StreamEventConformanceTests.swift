import Foundation
import RaceService
import SyncCore
import Testing

/// Twitch's pushes (EventSub) on both backends: applied at once, each message id once, older news
/// never over newer, and a poll that began before a push leaves that user as the push left them.
@Suite struct StreamEventConformanceTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func event(_ id: String, _ change: StreamEvent.Change, login: String = "alice", sentAt: Date) -> StreamEvent
    {
        StreamEvent(messageID: id, sentAt: sentAt, twitchUserID: "1001", login: login, change: change)
    }

    @Test(arguments: Backend.allCases)
    func pushesApplyOnceInOrderAndPollsDoNotUndoThem(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let alice = try await hub.user("alice")
        let online = Self.event("m1", .online(streamID: "s1", startedAt: Self.t0), sentAt: Self.t0)

        #expect(
            try await store.recordStreamEvent(online, receivedAt: Self.t0) == .applied(user: alice.id, changed: true))
        #expect(try await store.pollTargets().isEmpty)  // alice is in no race: pushes still record her
        let live = try await store.liveFeedUsers()
        #expect(live[alice.id]?.streamID == "s1")
        // The same message again, even much later: nothing.
        #expect(try await store.recordStreamEvent(online, receivedAt: Self.t0 + 60) == .duplicate)

        // A poll that began before the push (and so did not see the stream) does not undo it...
        let stalePoll = try await store.recordPoll(seen: [:], at: Self.t0 + 2, startedAt: Self.t0 - 1)
        #expect(stalePoll.isEmpty)
        #expect(try await store.liveFeedUsers()[alice.id] != nil)
        // ...a poll that began after it is the newer truth.
        let poll = try await store.recordPoll(seen: [:], at: Self.t0 + 30, startedAt: Self.t0 + 20)
        #expect(poll == [LiveState(userID: alice.id, stream: nil)])

        // Offline sent at t0+50, then a late online sent at t0+40: the older news is dropped.
        let offline = Self.event("m2", .offline, sentAt: Self.t0 + 50)
        #expect(
            try await store.recordStreamEvent(offline, receivedAt: Self.t0 + 51)
                == .applied(user: alice.id, changed: false))
        let late = Self.event("m3", .online(streamID: "s2", startedAt: Self.t0 + 39), sentAt: Self.t0 + 40)
        #expect(try await store.recordStreamEvent(late, receivedAt: Self.t0 + 52) == .outOfOrder)
        #expect(try await store.liveFeedUsers()[alice.id] == nil)

        // A stranger, and a login now linked to another Twitch account, are nobody here.
        let stranger = Self.event("m4", .offline, login: "stranger", sentAt: Self.t0 + 60)
        #expect(try await store.recordStreamEvent(stranger, receivedAt: Self.t0 + 60) == .unknownBroadcaster)
        let bob = try await hub.user("bob")
        _ = try await store.user(signingInAs: TwitchAccount(userID: "2002", login: "bob", displayName: nil))
        let notBob = StreamEvent(
            messageID: "m5", sentAt: Self.t0 + 61, twitchUserID: "3003", login: "bob",
            change: .online(streamID: "x", startedAt: Self.t0))
        #expect(try await store.recordStreamEvent(notBob, receivedAt: Self.t0 + 61) == .unknownBroadcaster)
        let realBob = StreamEvent(
            messageID: "m6", sentAt: Self.t0 + 62, twitchUserID: "2002", login: "bob_renamed",
            change: .online(streamID: "b1", startedAt: Self.t0))
        #expect(
            try await store.recordStreamEvent(realBob, receivedAt: Self.t0 + 62)
                == .applied(user: bob.id, changed: true))

        // The title arrives after the push, for the same stream only.
        try await store.recordStreamDetails(
            user: bob.id,
            stream: LiveStream(streamID: "b1", title: "Any%", startedAt: Self.t0, observedAt: Self.t0 + 63))
        try await store.recordStreamDetails(
            user: bob.id,
            stream: LiveStream(streamID: "old", title: "Other", startedAt: Self.t0, observedAt: Self.t0 + 64))
        #expect(try await store.liveFeedUsers()[bob.id]?.title == "Any%")
        // Message ids are forgotten after 15 minutes (Twitch refuses older messages anyway).
        #expect(
            try await store.recordStreamEvent(
                Self.event("m1", .offline, sentAt: Self.t0 + 1000), receivedAt: Self.t0 + 1000)
                != .duplicate)
    }
}

extension Hub {
    /// Everyone's live status as the store holds it (through a transaction, as the use cases read it).
    func liveFeedUsers() async throws -> [UUID: LiveStream] {
        try await backend.transaction { tx in try await tx.liveStatus() }
    }
}
