import ChildProcesses
import Foundation
import Testing

/// `kill -9` a `syncd node` at random moments while racecli writes to its replica (the node
/// pushes) and the organizer keeps creating races (the node pulls), with a checkpoint every 8
/// WAL pages so that kills land mid-checkpoint. Every restart must open the replica, racecli
/// must read it after every kill, and in the end the hub holds every write racecli accepted.
@Suite struct NodeCrashTests {
    @Test func aNodeKilledUnderLoadAlwaysRestartsAndLosesNothing() async throws {
        let box = Sandbox()
        let hub = try HubProcess(in: box, extra: HubProcess.unlimited)
        let org = try box.run("syncd", ["user", "add", "org", "--db", hub.db]).lastLine
        let alice = try box.run("syncd", ["user", "add", "alice", "--db", hub.db]).lastLine
        var races: [String] = []
        for i in 0..<4 {
            races.append(
                try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "race \(i)"]).object[
                    "id"] as! String)
        }
        let replica = box.file("replica.sqlite")
        let login = try box.run(
            "racecli", ["login", "--hub", hub.url, "--token-stdin", "--db", replica], stdin: alice + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        let env = ["RACESYNC_WAL_AUTOCHECKPOINT": "8"]
        func startNode() throws -> Daemon {
            let node = try Daemon("syncd", ["node", "--db", replica, "--interval", "1"], in: box, env: env)
            guard node.waitForLog("node started") else { throw HarnessError("the node did not restart:\n\(node.log)") }
            return node
        }
        var node = try startNode()
        // Pushing: racecli alternates join and leave on random races, on a thread of its own
        // (it waits for child processes). Pulling: the organizer creates races meanwhile.
        let writer = RacecliWriter(box: box, replica: replica, races: races, env: env)
        writer.start()
        let creator = Task {
            var created = 0
            while !Task.isCancelled {
                _ = try? await HTTP.send(
                    "POST", hub.url + "/api/races", token: org, json: ["name": "pulled \(created)"])
                created += 1
                try? await Task.sleep(for: .milliseconds(30))
            }
        }
        var rng = SystemRandomNumberGenerator()
        var recovered = 0
        var walLeft = 0
        for _ in 0..<CrashTests.cycles {
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...700, using: &rng)))
            node.kill9()
            let wal =
                (try? FileManager.default.attributesOfItem(atPath: replica + "-wal")[.size] as? NSNumber)?.intValue ?? 0
            if wal > 0 { walLeft += 1 }
            let read = try box.run("racecli", ["races", "--db", replica, "--json"], env: env)
            #expect(read.status == 0, "racecli after kill -9: \(read.stderr)")
            node = try startNode()
            if node.log.contains("replica recovered after a crash") { recovered += 1 }
        }
        creator.cancel()
        let accepted = writer.stop()
        #expect(writer.failures.isEmpty, "\(writer.failures)")
        // The node drains the outbox by itself.
        let deadline = Date().addingTimeInterval(60)
        var pending = -1
        while Date() < deadline {
            let status = try box.run("racecli", ["status", "--db", replica, "--json"])
            let object = (try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))) as? [String: Any]
            pending = (object?["pending"] as? [Any])?.count ?? -1
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(pending == 0)
        #expect(node.stop() == 0)
        // Alice's last accepted write per race is the hub's truth.
        for race in races {
            let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
            let casters = (detail["casters"] as? [[String: Any]] ?? []).compactMap {
                ($0["user"] as? [String: Any])?["twitch_username"] as? String
            }
            #expect(casters.contains("alice") == (accepted[race] ?? false), "race \(race)")
        }
        print(
            "node crash test: \(CrashTests.cycles) kills, \(writer.count) racecli writes; \(walLeft) kills left a WAL to recover "
                + "(recovered by the next racecli or node), \(recovered) node restarts found one")
        #expect(hub.daemon.stop() == 0)
    }
}

/// Runs racecli cast-join / cast-leave in turn on random races until stopped, on a thread of
/// its own, and remembers the last write racecli accepted for each race.
final class RacecliWriter: @unchecked Sendable {
    let box: Sandbox
    let replica: String
    let races: [String]
    let env: [String: String]
    private let lock = NSLock()
    private var stopped = false
    private var isCaster: [String: Bool] = [:]
    private(set) var failures: [String] = []
    private(set) var count = 0
    private let done = DispatchSemaphore(value: 0)

    init(box: Sandbox, replica: String, races: [String], env: [String: String]) {
        self.box = box
        self.replica = replica
        self.races = races
        self.env = env
    }

    func start() {
        Thread { [self] in
            while !lock.withLock({ stopped }) {
                let race = races.randomElement()!
                let join = !(lock.withLock { isCaster[race] } ?? false)
                let result = try? box.run(
                    "racecli", [join ? "cast-join" : "cast-leave", race, "--db", replica], env: env)
                lock.withLock {
                    if result?.status == 0 {
                        isCaster[race] = join
                        count += 1
                    } else {
                        failures.append("\(join ? "join" : "leave") \(race): \(result?.stderr ?? "did not run")")
                    }
                }
            }
            done.signal()
        }.start()
    }

    /// Stops the writer and returns, per race, whether alice's last accepted write was a join.
    func stop() -> [String: Bool] {
        lock.withLock { stopped = true }
        done.wait()
        return lock.withLock { isCaster }
    }
}
