import FakeHelix
import Foundation
import Logging
import OutboundHTTP

@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

/// A fake Helix, a hub store on a temp file, and the real Twitch client between them.
final class TwitchHarness: @unchecked Sendable {
    let fake: FakeHelixServer
    let dir: String
    let store: HubStore
    let http: OutboundHTTPClient
    let clock = TestClock()
    let tokens: AppTokenProvider
    let helix: HelixClient
    let poller: LivePoller

    init() async throws {
        fake = try await FakeHelixServer()
        dir = NSTemporaryDirectory() + "racesync-twitch-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try HubStore(path: dir + "/hub.sqlite")
        http = OutboundHTTPClient()
        let config = TwitchConfig(
            clientID: fake.state.clientID, clientSecret: fake.state.clientSecret, apiURL: fake.apiURL,
            authURL: fake.authURL)
        let transport = OutboundTwitchTransport(client: http)
        let clock = self.clock
        tokens = AppTokenProvider(config: config, transport: transport, now: { clock.now })
        helix = HelixClient(config: config, transport: transport, tokens: tokens, now: { clock.now })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        poller = LivePoller(store: store.hub, helix: helix, interval: .seconds(60), logger: logger)
    }

    /// Creates `count` users and an organizer's race with them as participants.
    func raceWithParticipants(_ logins: [String], organizer: String = "org") async throws -> RaceDetail {
        let existing = try store.user(login: organizer)
        let org =
            if let existing { existing } else { try await store.hub.addUser(login: organizer, displayName: nil).user }
        let race = try await store.hub.createRace(name: "race", organizer: org.id)
        for login in logins {
            if try store.user(login: login) == nil { _ = try await store.hub.addUser(login: login, displayName: nil) }
            _ = try await store.hub.addParticipant(race: race.id, caller: org.id, login: login)
        }
        return try store.raceDetail(race.id)!
    }

    func liveLogins(_ race: UUID) throws -> Set<String> {
        Set(try store.raceDetail(race)!.participants.filter(\.isLive).map(\.user.twitchUsername))
    }

    func shutdown() async {
        fake.stop()
        http.shutdown()
        try? store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// A wall clock the tests move by hand, starting now.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Int64 = 0

    var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return WallClock.nowMs() + offset
    }

    func advance(seconds: Int64) {
        lock.lock()
        offset += seconds * 1000
        lock.unlock()
    }
}
