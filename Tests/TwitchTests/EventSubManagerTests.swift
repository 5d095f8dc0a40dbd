import FakeHelix
import Foundation
import Logging
import Testing

@testable import RaceService
@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

/// `EventSubManager` against the fake Twitch: subscriptions for the polled broadcasters with a
/// known Twitch id, every page of the listing read, Twitch's refusals ending a round without a
/// half-made plan being repeated.
@Suite struct EventSubManagerTests {
    @Test func aRoundMakesWhatIsMissingReadsEveryPageAndStopsOnRefusals() async throws {
        let h = try await TwitchHarness()
        _ = try await h.raceWithParticipants(["alice", "bob", "carol"])
        for (login, id) in [("alice", "1"), ("bob", "2"), ("carol", "3")] { h.fake.state.addAccount(login, id: id) }
        let logins = ["alice", "bob", "carol"]
        try await h.store.hub.recordProfiles(try await h.helix.profiles(logins: logins), asked: logins, at: Date())
        // Twitch answers the verification itself here (no hub): they stay pending or fail; fine.
        let callback = "http://127.0.0.1:9/twitch/eventsub"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let manager = EventSubManager(
            helix: h.helix, targets: h.store.hub, profiles: h.store.hub, callback: callback,
            secret: "manager-test-secret", coverage: EventSubCoverage(), interval: .seconds(60), logger: logger)

        h.fake.state.failSubscriptionCalls(503)
        await #expect(throws: TwitchError.http(status: 503, what: "GET /eventsub/subscriptions")) {
            try await manager.reconcileOnce()
        }
        let first = try await manager.reconcileOnce()
        #expect(first.create.count == 6 && first.delete.isEmpty)
        #expect(Set(h.fake.state.subscriptions.map(\.broadcasterID)) == ["1", "2", "3"])

        // Nobody answers at that callback: Twitch marks all six failed. Listed two at a time, every
        // page is read: the six failed ones are deleted and made again, nothing twice.
        for _ in 0..<100
        where h.fake.state.subscriptions.contains(where: { $0.status != "webhook_callback_verification_failed" }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        h.fake.state.capPages(at: 2)
        let listsBefore = h.fake.state.subscriptionCalls.filter { $0 == "GET" }.count
        let second = try await manager.reconcileOnce(force: true)
        #expect(second.delete.count == 6 && second.create.count == 6)
        #expect(h.fake.state.subscriptionCalls.filter { $0 == "GET" }.count == listsBefore + 3)
        #expect(h.fake.state.subscriptions.count == 6)

        // The race finishes: nobody is polled, every one of ours goes.
        let race = try #require(try h.store.raceSummaries().first)
        let org = try #require(try h.store.user(login: "org"))
        _ = try await h.store.hub.transition(.start, race: race.id, caller: org.id)
        _ = try await h.store.hub.transition(.finish, race: race.id, caller: org.id)
        let last = try await manager.reconcileOnce(force: true)
        #expect(last.create.isEmpty && h.fake.state.subscriptions.isEmpty)
        await h.shutdown()
    }
}
