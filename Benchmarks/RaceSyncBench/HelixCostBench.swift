import FakeHelix
import Foundation
import Logging
import OutboundHTTP
import RaceService
import SyncCore
import SyncStore
import SyncTwitch

/// Helix requests per hour for 1,000 broadcasters, polling every 60 s against EventSub (pushes,
/// with the poll every 5 minutes as the net): each kind of round is run against the fake Helix and
/// its requests counted, then multiplied by how often the hub runs it.
enum HelixCostBench {
    static func run(_ report: Report) async throws {
        log("helix cost: 1,000 broadcasters in 10 races")
        let fake = try await FakeHelixServer()
        defer { fake.stop() }
        let store = try HubStore(path: workDir + "/helix-cost.sqlite")
        defer { try? store.close() }
        let hub = store.hub
        let organizer = try await hub.addUser(login: "organizer", displayName: nil).user
        var races: [UUID] = []
        for i in 0..<10 { races.append(try await hub.createRace(name: "race \(i)", organizer: organizer.id).id) }
        var logins: [String] = []
        for i in 0..<1000 {
            let login = "broadcaster\(i)"
            _ = try await hub.addUser(login: login, displayName: nil)
            _ = try await hub.addParticipant(race: races[i % 10], caller: organizer.id, login: login)
            fake.state.addAccount(login, id: "\(100_000 + i)")
            if i % 5 == 0 { fake.state.setLive(login, streamID: "s\(i)") }
            logins.append(login)
        }
        let http = OutboundHTTPClient()
        do { try await measure(report, fake: fake, hub: hub, http: http, logins: logins) } catch {
            http.shutdown()
            throw error
        }
        http.shutdown()
    }

    static func measure(_ report: Report, fake: FakeHelixServer, hub: Hub, http: OutboundHTTPClient, logins: [String])
        async throws
    {
        let helix = helixClient(fake, http)
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let poller = LivePoller(store: hub, helix: helix, interval: .seconds(60), logger: logger)

        // One full poll (every minute without EventSub, every 5 minutes with it).
        try await poller.pollOnce()
        let perPoll = Double(fake.state.streamsRequests)
        // One profile refresh of everyone (daily).
        let usersBefore = fake.state.usersRequests
        try await hub.recordProfiles(try await helix.profiles(logins: logins), asked: logins, at: Date())
        let perRefresh = Double(fake.state.usersRequests - usersBefore)
        // The first reconcile makes 2,000 subscriptions; a later listing reads them all (every 5 minutes).
        let manager = EventSubManager(
            helix: helix, targets: hub, profiles: hub, callback: "http://127.0.0.1:9/twitch/eventsub",
            secret: "bench-eventsub-secret", coverage: EventSubCoverage(), logger: logger)
        try await manager.reconcileOnce()
        let listsBefore = fake.state.subscriptionCalls.filter { $0 == "GET" }.count
        _ = try await helix.subscriptions()
        let perListing = Double(fake.state.subscriptionCalls.filter { $0 == "GET" }.count - listsBefore)

        let polling = perPoll * 60 + perRefresh / 24
        let eventSub = perPoll * 12 + perListing * 12 + perRefresh / 24
        report.add(
            Figure(
                name: "Helix requests/hour, 1,000 broadcasters, EventSub + 5 min net", value: eventSub, unit: "req/h",
                baseline: polling, baselineName: "60 s polling",
                note: "per round: poll \(Int(perPoll)), listing \(Int(perListing)), profiles \(Int(perRefresh))"))
    }
}
