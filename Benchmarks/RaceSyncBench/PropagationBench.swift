import AsyncHTTPClient
import ChildProcesses
import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import SyncCore
import SyncNode
import SyncStore
import SyncTwitch

/// How fast a `racecli cast-join` on node A shows in node B's replica, with both daemons
/// running: with the event path (racecli pokes A's wake socket), with the timer only
/// (`RACESYNC_NODE_WAKE=off`), and the floor of the path measured in the same run: one bare
/// push and the long-poll it wakes.
enum PropagationBench {
    static let binDir = ProcessBench.binDir

    static func run(_ report: Report) async throws {
        let db = workDir + "/prop-hub.sqlite"
        func syncd(_ args: [String]) throws -> String { try Shell.run(binDir + "/syncd", args) }
        func token(_ login: String) throws -> String {
            try syncd(["user", "add", login, "--db", db]).split(separator: "\n").last.map(String.init) ?? ""
        }
        let org = try token("org")
        let alice = try token("alice")
        let bob = try token("bob")
        let hub = try ProcessBench.Hub(db: db)
        defer { hub.stop() }
        let created = try Shell.run(
            "curl",
            [
                "-s", "-X", "POST", hub.url + "/api/races", "-H", "Authorization: Bearer \(org)", "-d",
                "{\"name\":\"r\"}",
            ])
        let race =
            ((try? JSONSerialization.jsonObject(with: Data(created.utf8))) as? [String: Any])?["id"] as? String ?? ""
        let floor = try await floorSamples(hub: hub.url, race: race, tokens: (alice, bob))
        report.add(
            Figure(
                name: "floor: bare push → long-poll wake, p50 (30)", value: percentile(floor, 0.5) * 1000, unit: "ms"))
        report.add(
            Figure(
                name: "floor: bare push → long-poll wake, p99 (30)", value: percentile(floor, 0.99) * 1000, unit: "ms"))
        for (label, wake) in [("event path", "on"), ("timer only", "off")] {
            let samples = try nodeSamples(hub: hub.url, race: race, tokens: (alice, bob), wake: wake, tag: wake)
            report.add(
                Figure(
                    name: "join A→B, \(label), p50 (50 joins)", value: percentile(samples, 0.5) * 1000, unit: "ms",
                    note: "goal < 50 ms; floor p50 \(String(format: "%.1f", percentile(floor, 0.5) * 1000)) ms"))
            report.add(
                Figure(
                    name: "join A→B, \(label), p99 (50 joins)", value: percentile(samples, 0.99) * 1000, unit: "ms",
                    note: "goal < 150 ms"))
        }
    }

    /// Two node daemons; 50 joins on A, each timed until B's replica shows it.
    static func nodeSamples(hub: String, race: String, tokens: (String, String), wake: String, tag: String) throws
        -> [Double]
    {
        let a = workDir + "/prop-a-\(tag).sqlite"
        let b = workDir + "/prop-b-\(tag).sqlite"
        var nodes: [ChildProcess] = []
        for (replica, token) in [(a, tokens.0), (b, tokens.1)] {
            nodes.append(
                try ChildProcess(
                    binDir + "/syncd", ["node", "--db", replica, "--hub", hub, "--interval", "5"],
                    environment: ProcessInfo.processInfo.environment.merging(
                        ["LOG_LEVEL": "error", "RACESYNC_TOKEN": token, "RACESYNC_NODE_WAKE": wake]) { $1 },
                    stderr: "/dev/null"))
        }
        defer { nodes.forEach { $0.stop(grace: 20) } }
        usleep(1_500_000)
        // B's replica read directly by one open connection (a process per check adds its start-up).
        let reader = try DatabaseQueue(
            path: b,
            configuration: {
                var c = Configuration()
                c.readonly = true
                return c
            }())
        defer { try? reader.close() }
        func aliceOnB() throws -> Bool {
            try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM casters WHERE present = 1") } == 1
        }
        var samples: [Double] = []
        for _ in 0..<50 {
            // Timed from just before racecli starts: the figure includes its ~10 ms of work.
            let start = Date()
            Shell.quietly(binDir + "/racecli", ["cast-join", race, "--db", a])
            while try !aliceOnB(), Date().timeIntervalSince(start) < 20 { usleep(500) }
            samples.append(Date().timeIntervalSince(start))
            Shell.quietly(binDir + "/racecli", ["cast-leave", race, "--db", a])
            let leaveStart = Date()
            while try aliceOnB(), Date().timeIntervalSince(leaveStart) < 20 { usleep(500) }
        }
        return samples
    }

    /// One push of one op while another client long-polls: the time until the long-poll answers.
    static func floorSamples(hub: String, race: String, tokens: (String, String)) async throws -> [Double] {
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        var samples: [Double] = []
        do { samples = try await floorSamples(http: http, hub: hub, race: race, tokens: tokens) } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        return samples
    }

    static func floorSamples(http: HTTPClient, hub: String, race: String, tokens: (String, String)) async throws
        -> [Double]
    {
        func call(_ method: HTTPMethod, _ path: String, token: String, body: String? = nil) async throws -> String {
            var request = HTTPClientRequest(url: hub + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await http.execute(request, timeout: .seconds(40))
            return String(buffer: try await response.body.collect(upTo: 1 << 24))
        }
        let me = try await call(.GET, "/api/me", token: tokens.0)
        let alice = ((try? JSONSerialization.jsonObject(with: Data(me.utf8))) as? [String: Any])?["id"] as? String ?? ""
        func cursor() async throws -> String {
            let page = try await call(.GET, "/api/sync/pull?limit=5000", token: tokens.1)
            return ((try? JSONSerialization.jsonObject(with: Data(page.utf8))) as? [String: Any])?["cursor"] as? String
                ?? ""
        }
        var samples: [Double] = []
        for i in 0..<30 {
            let since = try await cursor()
            let waiter = Task { try await call(.GET, "/api/sync/pull?since=\(since)&wait=10", token: tokens.1) }
            try await Task.sleep(for: .milliseconds(30))
            let op = """
                {"node_id":"bench","ops":[{"op_id":"\(UUID().uuidString.lowercased())","kind":"\(i % 2 == 0 ? "caster.join" : "caster.leave")","race_id":"\(race)","user_id":"\(alice)","hlc":{"wall_ms":\(Int64(Date().timeIntervalSince1970 * 1000)),"counter":\(i),"node":"bench"}}]}
                """
            let start = Date()
            _ = try await call(.POST, "/api/sync/push", token: tokens.0, body: op)
            _ = try await waiter.value
            samples.append(Date().timeIntervalSince(start))
        }
        return samples
    }
}
