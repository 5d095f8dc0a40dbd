import FakeHelix
import Foundation
import Logging
import OutboundHTTP
import SyncCore
import SyncNode
import SyncStore
import SyncTwitch

/// One poll of 10k logins with 2k live against the fake Helix.
enum PollBench {
    static func run(_ report: Report) async throws {
        log("poll: preparing 10k users in 100 races")
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        let store = try HubStore(path: workDir + "/poll.sqlite")
        let hub = store.hub
        let organizer = try await hub.addUser(login: "organizer", displayName: nil).user
        var races: [UUID] = []
        for i in 0..<100 { races.append(try await hub.createRace(name: "race \(i)", organizer: organizer.id).id) }
        var ops: [Op] = []
        let now = WallClock.nowMs()
        for i in 0..<10_000 {
            let user = try await hub.addUser(login: "streamer\(i)", displayName: nil).user
            ops.append(
                Op(
                    kind: .join, raceID: races[i % 100], userID: user.id,
                    hlc: HLC(wallMs: now, counter: UInt16(i % 1000), node: "b\(i / 1000)")))
            if i % 5 == 0 { fake.state.setLive("streamer\(i)", streamID: "s\(i)") }
        }
        for start in stride(from: 0, to: ops.count, by: 1000) {
            _ = try await hub.push(Array(ops[start..<start + 1000]), caller: organizer.id)
        }
        let http = OutboundHTTPClient()
        let helix = helixClient(fake, http)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let poller = LivePoller(store: hub, helix: helix, interval: .seconds(60), logger: logger)
        var changes: [LiveState] = []
        let wall = try await seconds { changes = try await poller.pollOnce() }
        let requests = fake.state.streamsRequests
        report.add(
            Figure(
                name: "Helix poll, 10k logins / 2k live: requests", value: Double(requests), unit: "requests",
                baseline: 100, baselineName: "minimum (10k / 100 per request)",
                note: "\(changes.count) live-status changes written"))
        report.add(
            Figure(
                name: "Helix poll, 10k logins / 2k live: wall time", value: wall, unit: "s",
                note: "against the fake Helix on loopback"))
        http.shutdown()
        try store.close()
    }
}

/// The real Helix client pointed at the fake, over `http`.
func helixClient(_ fake: FakeHelixServer, _ http: OutboundHTTPClient) -> HelixClient {
    let config = TwitchConfig(
        clientID: fake.state.clientID, clientSecret: fake.state.clientSecret, apiURL: fake.apiURL,
        authURL: fake.authURL)
    let transport = OutboundTwitchTransport(client: http)
    return HelixClient(
        config: config, transport: transport, tokens: AppTokenProvider(config: config, transport: transport))
}
