import FakeHelix
import Foundation
import Testing

@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

@Suite(.serialized) struct HelixPollingTests {
    @Test func fortyLiveAmong150AreAllSeenWithTheMinimumRequests() async throws {
        let h = try await TwitchHarness()
        let logins = (0..<150).map { "runner\($0)" }
        let race = try await h.raceWithParticipants(logins)
        let live = Set(logins.shuffled().prefix(40))
        for login in live { h.fake.state.setLive(login) }
        try await h.poller.pollOnce()
        #expect(try h.liveLogins(race.id) == live)
        #expect(h.fake.state.streamsRequests == 2)
        #expect(h.fake.state.requestedLogins.map(\.count).sorted() == [50, 100])
        #expect(h.fake.state.tokenRequests == 1)
        let member = try #require(try h.store.raceDetail(race.id)?.participants.first { $0.isLive })
        #expect(member.streamURL == "https://twitch.tv/\(member.user.twitchUsername)")
        await h.shutdown()
    }

    @Test func paginationCursorsAreFollowed() async throws {
        let h = try await TwitchHarness()
        let logins = (0..<100).map { "p\($0)" }
        let race = try await h.raceWithParticipants(logins)
        for login in logins.prefix(70) { h.fake.state.setLive(login) }
        h.fake.state.capPages(at: 30)  // Twitch may return fewer than `first`
        try await h.poller.pollOnce()
        #expect(try h.liveLogins(race.id).count == 70)
        #expect(h.fake.state.streamsRequests == 3)
        await h.shutdown()
    }

    @Test func onlyLiveTypedStreamsCount() async throws {
        let h = try await TwitchHarness()
        let race = try await h.raceWithParticipants(["a", "b"])
        h.fake.state.setLive("a")
        h.fake.state.setLive("b", type: "")
        try await h.poller.pollOnce()
        #expect(try h.liveLogins(race.id) == ["a"])
        await h.shutdown()
    }

    @Test func onlyActiveRacesArePolledAndFinishedOnesDropOut() async throws {
        let h = try await TwitchHarness()
        let active = try await h.raceWithParticipants(["active1"])
        let done = try await h.raceWithParticipants(["done1"])
        let org = try #require(try h.store.user(login: "org"))
        _ = try await h.store.hub.transition(.start, race: done.id, caller: org.id)
        _ = try await h.store.hub.transition(.finish, race: done.id, caller: org.id)
        h.fake.state.setLive("active1")
        h.fake.state.setLive("done1")
        try await h.poller.pollOnce()
        #expect(h.fake.state.requestedLogins == [["active1"]])
        #expect(try h.liveLogins(active.id) == ["active1"])
        #expect(try h.liveLogins(done.id).isEmpty)
        // Finishing the active race drops its people from the next poll, and from the live set.
        _ = try await h.store.hub.transition(.start, race: active.id, caller: org.id)
        _ = try await h.store.hub.transition(.finish, race: active.id, caller: org.id)
        let changes = try await h.poller.pollOnce()
        #expect(h.fake.state.streamsRequests == 1)
        #expect(changes.map(\.stream) == [nil])
        await h.shutdown()
    }

    @Test func onlyDifferencesAreWritten() async throws {
        let h = try await TwitchHarness()
        _ = try await h.raceWithParticipants(["a", "b"])
        h.fake.state.setLive("a", streamID: "1", title: "first")
        #expect(try await h.poller.pollOnce().count == 1)
        #expect(try await h.poller.pollOnce().isEmpty)
        h.fake.state.setLive("a", streamID: "2", title: "restarted")
        let restart = try await h.poller.pollOnce()
        #expect(restart.map { $0.stream?.streamID } == ["2"])
        await h.shutdown()
    }

    @Test func oneTokenServesManyPollsAndIsRenewedBeforeExpiry() async throws {
        let h = try await TwitchHarness()
        _ = try await h.raceWithParticipants(["a"])
        h.fake.state.tokenLifetime(seconds: 3600)
        try await h.poller.pollOnce()
        try await h.poller.pollOnce()
        try await h.poller.pollOnce()
        #expect(h.fake.state.tokenRequests == 1)
        h.clock.advance(seconds: 3600 - 61)
        try await h.poller.pollOnce()
        #expect(h.fake.state.tokenRequests == 1)
        h.clock.advance(seconds: 2)  // now inside the 60 s margin
        try await h.poller.pollOnce()
        #expect(h.fake.state.tokenRequests == 2)
        await h.shutdown()
    }

    @Test func absurdLifetimesAndResetTimesAreClampedNotTrapped() async throws {
        let h = try await TwitchHarness()
        _ = try await h.raceWithParticipants(["a"])
        h.fake.state.tokenLifetime(seconds: Int.max)
        try await h.poller.pollOnce()
        try await h.poller.pollOnce()
        #expect(h.fake.state.tokenRequests == 1)
        h.fake.state.tokenLifetime(seconds: -5)
        await h.shutdown()
        let now: Int64 = 1_790_000_000_000
        #expect(HelixClient.rateLimitWaitMs(reset: "9223372036854775807", nowMs: now) > 1_000_000_000)
        #expect(HelixClient.rateLimitWaitMs(reset: "99999999999999999999999", nowMs: now) == 50)
        #expect(HelixClient.rateLimitWaitMs(reset: "-4", nowMs: now) == 50)
        #expect(HelixClient.rateLimitWaitMs(reset: "garbage", nowMs: now) == 50)
        #expect(HelixClient.rateLimitWaitMs(reset: "1790000002", nowMs: now) == 2050)
    }

    @Test func aRevokedTokenIsRenewedAndTheRequestRetriedOnce() async throws {
        let h = try await TwitchHarness()
        let race = try await h.raceWithParticipants(["a"])
        h.fake.state.setLive("a")
        try await h.poller.pollOnce()
        h.fake.state.revokeTokens()
        h.fake.state.setOffline("a")
        try await h.poller.pollOnce()
        #expect(h.fake.state.unauthorizedAnswers == 1)
        #expect(h.fake.state.tokenRequests == 2)
        #expect(h.fake.state.streamsRequests == 3)
        #expect(try h.liveLogins(race.id).isEmpty)
        await h.shutdown()
    }

    @Test func concurrentCallersShareOneRenewal() async throws {
        let h = try await TwitchHarness()
        let tokens = h.tokens
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await tokens.token() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(results).count == 1)
        #expect(h.fake.state.tokenRequests == 1)
        await h.shutdown()
    }

    @Test func a503KeepsTheLastStateAndTheNextPollRecovers() async throws {
        let h = try await TwitchHarness()
        let race = try await h.raceWithParticipants(["a"])
        h.fake.state.setLive("a")
        try await h.poller.pollOnce()
        h.fake.state.setOffline("a")
        h.fake.state.fail(503)
        await #expect(throws: TwitchError.http(status: 503, what: "GET /streams")) { try await h.poller.pollOnce() }
        #expect(try h.liveLogins(race.id) == ["a"])
        try await h.poller.pollOnce()
        #expect(try h.liveLogins(race.id).isEmpty)
        await h.shutdown()
    }

    @Test func a429WaitsForTheResetThenRetries() async throws {
        let h = try await TwitchHarness()
        let race = try await h.raceWithParticipants(["a"])
        h.fake.state.setLive("a")
        h.fake.state.fail(429, resetIn: 1)
        try await h.poller.pollOnce()
        #expect(h.fake.state.streamsRequests == 2)
        // The retry came no earlier than the announced reset.
        let retry = try #require(h.fake.state.requestTimes.last)
        #expect(retry.timeIntervalSince1970 >= Double(h.fake.state.lastRateLimitReset))
        #expect(try h.liveLogins(race.id) == ["a"])
        await h.shutdown()
    }

    @Test func wrongCredentialsFailWithoutLeakingTheSecret() async throws {
        let h = try await TwitchHarness()
        _ = try await h.raceWithParticipants(["a"])
        let config = TwitchConfig(
            clientID: "fake-client-id", clientSecret: "wrong-secret-XYZ", apiURL: h.fake.apiURL, authURL: h.fake.authURL
        )
        let transport = OutboundTwitchTransport(client: h.http)
        let tokens = AppTokenProvider(config: config, transport: transport)
        do {
            _ = try await tokens.token()
            Issue.record("a wrong secret must fail")
        } catch {
            #expect(!"\(error)".contains("wrong-secret-XYZ"))
        }
        await h.shutdown()
    }
}

@Suite struct LiveDiffTests {
    let a = UUID(), b = UUID(), c = UUID()
    let t0 = Date(timeIntervalSince1970: 1000)

    func helix(_ id: String, _ title: String = "t") -> LiveStream {
        HelixStream(id: id, userLogin: "x", userName: "X", type: "live", title: title, startedAt: t0).liveStream(
            observedAt: t0.addingTimeInterval(60))
    }

    @Test func newChangedAndGoneStreams() {
        let current: [UUID: LiveStream] = [
            a: LiveStream(streamID: "1", title: "t", startedAt: t0, observedAt: t0),
            b: LiveStream(streamID: "2", title: "t", startedAt: t0, observedAt: t0),
        ]
        let seen = [a: helix("1"), c: helix("3"), b: helix("2", "new title")]
        let changes = LiveDiff.changes(current: current, seen: seen, observedAt: t0)
        #expect(Set(changes.map(\.userID)) == [b, c])
        let gone = LiveDiff.changes(current: current, seen: [:], observedAt: t0)
        #expect(gone.count == 2 && gone.allSatisfy { $0.stream == nil })
        #expect(LiveDiff.changes(current: current, seen: [a: helix("1"), b: helix("2")], observedAt: t0).isEmpty)
    }
}

@Suite struct HelixFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("fixtures/helix")

    @Test func recordedPagesDecodeWithTheProductionDecoder() throws {
        let first = try WireJSON.decoder().decode(
            HelixClient.Page.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("streams-page1.json")))
        #expect(first.data.first?.userLogin == "afro" && first.data.first?.type == "live")
        #expect(first.pagination?.cursor?.isEmpty == false)
        #expect(first.data.first.map { Timestamp.format($0.startedAt) } == "2021-03-10T03:18:11.000Z")
        let last = try WireJSON.decoder().decode(
            HelixClient.Page.self,
            from: Data(contentsOf: Self.fixtures.appendingPathComponent("streams-last-page.json")))
        #expect(last.pagination?.cursor == nil)
        #expect(last.data.first?.title.contains("<practice> & chill") == true)
    }
}
