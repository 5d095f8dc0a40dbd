import Foundation
import PostgresTestSupport
import RaceService
import SyncCore
import SyncNode
import SyncStore
import Testing

/// `kill -9` the hub at random moments while four clients push; nothing acknowledged may be
/// lost, nothing applied twice, and every replica ends equal to the hub.
/// `RACESYNC_CRASH_CYCLES` sets the number of kills (3 in `make test`, 20 in `make crash-test`).
@Suite struct CrashTests {
    static var cycles: Int { Int(ProcessInfo.processInfo.environment["RACESYNC_CRASH_CYCLES"] ?? "") ?? 3 }

    @Test func acknowledgedOpsSurviveKillMinus9() async throws {
        let box = Sandbox()
        try await CrashScenario.run(box: box, db: box.file("hub.sqlite"), hubs: 1) { hubs, rng in
            try hubs.killAndRestart(0, rng: &rng)
        }
    }

    /// Two hubs on one PostgreSQL database, clients spread over both; one of them is killed
    /// with SIGKILL again and again while the other keeps serving.
    @Test func acknowledgedOpsSurviveKillingOneOfTwoPostgresHubs() async throws {
        guard let db = try PostgresE2E.database() else { return }
        try await CrashScenario.run(box: Sandbox(), db: db, hubs: 2) { hubs, rng in
            try hubs.killAndRestart(Int.random(in: 0...1, using: &rng), rng: &rng)
        }
    }

    /// PostgreSQL itself restarts while four clients push through two hubs: pushes in flight
    /// get 503 (never an acknowledgement for an uncommitted op), the hubs reconnect by themselves.
    @Test func acknowledgedOpsSurviveAPostgresRestartMidPush() async throws {
        guard PostgresE2E.available() else { return }
        let cluster = try PrivateCluster()
        try await CrashScenario.run(box: Sandbox(), db: cluster.url, hubs: 2) { _, rng in
            cluster.stop()
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...500, using: &rng)))
            try cluster.start()
        }
    }
}

/// Hub processes on one store, each on a fixed port. On SQLite they checkpoint every 8 WAL
/// pages (`RACESYNC_WAL_AUTOCHECKPOINT`), so that kills land in the middle of checkpoints.
final class HubGroup: @unchecked Sendable {
    let box: Sandbox
    let db: String
    var hubs: [HubProcess]
    /// Restarts after which the hub logged that SQLite recovered its store, and how many of
    /// those found the main file caught mid-checkpoint.
    private(set) var recovered = 0, midCheckpoint = 0
    static let environment = ["RACESYNC_WAL_AUTOCHECKPOINT": "8"]

    init(box: Sandbox, db: String, count: Int) throws {
        self.box = box
        self.db = db
        hubs = try (0..<count).map { _ in
            try HubProcess(in: box, db: db, extra: HubProcess.unlimited, env: Self.environment)
        }
    }

    /// `kill -9` hub `index`, then start it again on its port: a restart that is refused fails the test.
    func killAndRestart(_ index: Int, rng: inout SystemRandomNumberGenerator) throws {
        let hub = hubs[index]
        hub.daemon.kill9()
        usleep(UInt32.random(in: 50_000...300_000, using: &rng))
        let restarted = try HubProcess(
            in: box, db: db, port: hub.port, extra: HubProcess.unlimited, env: Self.environment)
        let log = restarted.daemon.log
        if log.contains("store recovered after a crash") { recovered += 1 }
        if log.contains("mid-checkpoint") { midCheckpoint += 1 }
        hubs[index] = restarted
    }
}

/// Four clients push through the hubs while `disrupt` strikes `CrashTests.cycles` times;
/// nothing acknowledged may be lost, nothing applied twice, every replica ends equal to the hub.
enum CrashScenario {
    static func run(
        box: Sandbox, db: String, hubs count: Int,
        disrupt: @escaping (HubGroup, inout SystemRandomNumberGenerator) async throws -> Void
    ) async throws {
        let cycles = CrashTests.cycles
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        let tokens = try (0..<4).map { try box.run("syncd", ["user", "add", "client\($0)", "--db", db]).lastLine }
        let hubs = try HubGroup(box: box, db: db, count: count)
        let urls = hubs.hubs.map(\.url)
        var races: [String] = []
        for i in 0..<5 {
            races.append(
                try await HTTP.send("POST", urls[i % count] + "/api/races", token: org, json: ["name": "race \(i)"])
                    .object["id"] as! String)
        }
        let clients = try await withThrowingTaskGroup(of: CrashClient.self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask { try await CrashClient(box: box, index: index, hub: urls[index % count], token: token) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let stop = StopFlag()
        let raceIDs = races.compactMap(UUID.init(uuidString:))
        var workers: [Task<Void, Never>] = []
        for client in clients {
            workers.append(Task.detached { await client.work(races: raceIDs, until: stop) })
        }
        // The organizer keeps creating races meanwhile: the store grows, so checkpoints extend the
        // main file and a kill can land between a checkpoint's page 1 and its growth.
        let grower = Task.detached { () -> [String] in
            var created: [String] = []
            var index = 0
            while !stop.isSet {
                index += 1
                if let reply = try? await HTTP.send(
                    "POST", urls[index % count] + "/api/races", token: org, json: ["name": "growth \(index)"]),
                    reply.status == 201, let id = reply.object["id"] as? String
                {
                    created.append(id)
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return created
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<cycles {
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...600, using: &rng)))
            try await disrupt(hubs, &rng)
        }
        stop.set()
        for worker in workers { await worker.value }
        let created = await grower.value
        // Every client drains its outbox; then everyone pulls what the others pushed last.
        for client in clients { try await client.finalSync() }
        for client in clients { try await client.finalSync() }
        let acknowledged = clients.flatMap(\.acknowledged.values)
        #expect(acknowledged.count > 0)
        // 0. Every race the hub answered 201 for is there.
        for id in created {
            #expect(try await HTTP.send("GET", urls[0] + "/api/races/\(id)").status == 200, "race \(id) lost")
        }
        // 1. Every acknowledged op is in the hub's store: re-sent, each is a duplicate.
        for client in clients {
            let ops = client.acknowledged.values.map(\.self)
            for start in stride(from: 0, to: ops.count, by: 1000) {
                let batch = Array(ops[start..<min(start + 1000, ops.count)])
                let response = try await client.hub.push(PushRequest(nodeID: "recheck", ops: batch))
                #expect(response.results.allSatisfy { $0.status == .duplicate }, "client \(client.index)")
            }
        }
        // 2. No op applied twice: each op id appears at most once among the caster changes.
        var seen: [String: Int] = [:]
        var cursor: String?
        repeat {
            let page = try await clients[0].hub.pull(since: cursor, limit: 5000, wait: 0)
            for change in page.changes {
                if case .caster(let c) = change.data { seen[c.register.opID.lowercased, default: 0] += 1 }
            }
            cursor = page.cursor
            if !page.hasMore { break }
        } while true
        #expect(seen.values.allSatisfy { $0 == 1 })
        print(
            "crash test (\(count) hub(s)): \(cycles) disruptions, \(acknowledged.count) acknowledged ops, \(seen.count) applied, \(created.count) races created, none lost or applied twice; "
                + "\(hubs.recovered) restarts recovered a WAL, \(hubs.midCheckpoint) of them caught mid-checkpoint")
        // 3. Every replica equals the hub, whichever instance it asks.
        for race in races {
            let detail = try await HTTP.send("GET", urls[0] + "/api/races/\(race)").object
            let truth = (detail["casters"] as? [[String: Any]] ?? []).compactMap {
                ($0["user"] as? [String: Any])?["twitch_username"] as? String
            }
            for client in clients {
                let view = try client.store.detail(UUID(uuidString: race)!)?.casters.map(\.user.twitchUsername) ?? []
                #expect(view == truth, "client \(client.index), race \(race)")
            }
        }
        for hub in hubs.hubs { #expect(hub.daemon.stop() == 0) }
    }
}

/// One pushing client: a replica and its HTTP hub client.
final class CrashClient: @unchecked Sendable {
    let index: Int
    let store: ReplicaStore
    let hub: HTTPHubClient
    private let lock = NSLock()
    private var answered: [UUID: Op] = [:]

    init(box: Sandbox, index: Int, hub url: String, token: String) async throws {
        self.index = index
        hub = try HTTPHubClient(base: url, token: token)
        store = try ReplicaStore(path: box.file("client\(index).sqlite"))
        try store.login(
            ReplicaSession(hub: url, token: token, user: try await hub.me()),
            snapshot: try await SyncRound.snapshot(from: hub))
    }

    /// Ops the hub answered applied, superseded or duplicate.
    var acknowledged: [UUID: Op] {
        lock.lock()
        defer { lock.unlock() }
        return answered
    }

    private func remember(_ report: SyncReport) {
        lock.lock()
        for op in report.applied + report.superseded + report.duplicate { answered[op.opID] = op }
        lock.unlock()
    }

    func work(races: [UUID], until stop: StopFlag) async {
        var rng = SystemRandomNumberGenerator()
        while !stop.isSet {
            for _ in 0..<Int.random(in: 1...20, using: &rng) {
                let race = races.randomElement(using: &rng)!
                let isCaster =
                    (try? store.detail(race))??.casters.contains { $0.user.id == (try? store.session())??.user.id }
                    ?? false
                _ = try? store.enqueue(isCaster ? .leave : .join, race: race)
            }
            var report = SyncReport()
            let round = SyncRound(store: store, hub: hub)
            do { try await round.push(into: &report) } catch {}
            remember(report)
            try? await Task.sleep(for: .milliseconds(Int.random(in: 5...40, using: &rng)))
        }
    }

    /// One sync round, retried while the hub says its store is away (503) or cannot be reached,
    /// as a node does: right after a disruption the hubs may still be reconnecting.
    func finalSync() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                remember(try await SyncRound(store: store, hub: hub).run())
                break
            } catch HubClientError.refused(status: 503, _), HubClientError.unreachable {
                guard ContinuousClock.now < deadline else { throw HubClientError.badResponse("still away after 60 s") }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(try store.pendingOps().isEmpty)
    }
}

/// A flag the test sets to stop its workers.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}
