import ChildProcesses
import Foundation
import HubHTTP
import Hummingbird
import Logging
import RaceService
import SyncCore
import SyncNode
import SyncStore
import SyncTwitch

/// A hub served in this process on a free loopback port.
final class InProcessHub: @unchecked Sendable {
    /// The SQLite store, when the hub is on SQLite.
    let store: HubStore!
    let port: Int
    private let task: Task<Void, any Error>

    convenience init(path: String) async throws {
        let store = try HubStore(path: path)
        try await self.init(hub: store.hub, store: store)
    }

    /// A hub over any backend (the PostgreSQL benchmark runs two on one database).
    init(hub: Hub, store: HubStore? = nil) async throws {
        self.store = store
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = HubServer.application(
            store: hub, metrics: HubMetrics(), feeds: FeedCache(store: hub, baseURL: "http://127.0.0.1"),
            host: "127.0.0.1", port: 0,
            logger: logger, onRunning: { continuation.yield($0) })
        task = Task { try await app.run() }
        var bound = 0
        for await port in ports {
            bound = port
            break
        }
        port = bound
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() { task.cancel() }
}

/// 100k ops pushed over HTTP by 4 concurrent clients; then a fresh replica bootstraps from that hub.
enum HTTPBench {
    static func run(_ report: Report, inProcessOpsPerSecond: Double) async throws {
        let hub = try await InProcessHub(path: workDir + "/http.sqlite")
        log("http push: preparing 100k ops")
        let workload = try await Workload.make(store: hub.store)
        let client = try HTTPHubClient(base: hub.url, token: workload.organizerToken)
        let yardstick = try await pushWithAsyncHTTPClient()
        let (elapsed, latencies) = try await pushConcurrently(workload.ops, to: [client])
        report.add(
            Figure(
                name: "100k ops pushed over HTTP, the node's client vs AsyncHTTPClient",
                value: Double(workload.ops.count) / elapsed, unit: "ops/s", baseline: yardstick.opsPerSecond,
                baselineName: "ops/s with AsyncHTTPClient pushing the same batches, just before",
                note: "AsyncHTTPClient push p50 \(format(yardstick.p50 * 1000)) ms"))
        report.add(
            Figure(
                name: "100k ops pushed over HTTP, 4 clients x 1000-op batches",
                value: Double(workload.ops.count) / elapsed, unit: "ops/s",
                baseline: inProcessOpsPerSecond, baselineName: "ops/s in-process merge",
                note:
                    "push p50 \(format(percentile(latencies, 0.5) * 1000)) ms, p99 \(format(percentile(latencies, 0.99) * 1000)) ms"
            ))
        if let floor = report.figures.first(where: { $0.name == MergeBench.mergeFigure }) {
            report.add(
                Figure(
                    name: "100k ops pushed over HTTP (vs set-based floor)", value: Double(workload.ops.count) / elapsed,
                    unit: "ops/s", baseline: floor.baseline, baselineName: floor.baselineName,
                    note: "the floor in process, without HTTP, in a minimal schema; goal ≥ 1.0"))
        }

        // Bootstrap a fresh replica from this hub: by snapshot file (what `racecli login` does),
        // and by JSON pages from the start (the fallback), next to SQLite copying the same rows.
        let changes = try hub.store.pull(since: nil, limit: 1).hasMore ? try countChanges(hub.store) : 0
        let user = try await client.me()
        let session = ReplicaSession(hub: hub.url, token: workload.organizerToken, user: user)
        var download = 0.0
        let bySnapshot = try await seconds {
            let path = workDir + "/bootstrap-snapshot.sqlite"
            let file = path + ".download"
            download = try await seconds { _ = try await client.snapshot(to: file) }
            let replica = try ReplicaStore(path: path)
            try replica.login(session, snapshotFile: file)
            try replica.close()
        }
        var fetch = 0.0
        var apply = 0.0
        let byPages = try await seconds {
            let replica = try ReplicaStore(path: workDir + "/bootstrap-pages.sqlite")
            var pages: [PullPage] = []
            fetch = try await seconds { pages = try await SyncRound.snapshot(from: client) }
            apply = try seconds { try replica.login(session, snapshot: pages) }
            try replica.close()
        }
        // How much of the page path is decoding: the same pages' bytes, decoded alone.
        var bodies: [Data] = []
        var cursor: PullCursor?
        while true {
            let batch = try hub.store.pull(since: cursor, limit: 5000)
            bodies.append(batch.json())
            cursor = batch.cursor
            if !batch.hasMore { break }
        }
        let decode = try seconds { for body in bodies { _ = try PullPageDecoder.decode(body) } }
        let decodeCodable = try seconds { for body in bodies { _ = try WireJSON.decode(PullPage.self, from: body) } }
        let tables = HubStore.replicatedTables.map { "CREATE TABLE \($0) AS SELECT * FROM h.\($0);" }.joined(
            separator: " ")
        let copy = try seconds {
            try Shell.run("sqlite3", [workDir + "/copy.sqlite", "ATTACH '\(workDir)/http.sqlite' AS h; \(tables)"])
        }
        report.add(
            Figure(
                name: "fresh replica bootstrap by snapshot (\(changes) rows)", value: bySnapshot, unit: "s",
                baseline: copy, baselineName: "s sqlite3 copy of the same rows",
                note: "download (hub builds the file) \(format(download)) s, install \(format(bySnapshot - download)) s"
            ))
        report.add(
            Figure(
                name: "fresh replica bootstrap by JSON pages (\(changes) changes)", value: byPages, unit: "s",
                baseline: copy, baselineName: "s sqlite3 copy of the same rows",
                note:
                    "pull+decode \(format(fetch)) s (decoding alone \(format(decode)) s; with JSONDecoder \(format(decodeCodable)) s), apply \(format(apply)) s (one transaction)"
            ))
        hub.stop()
        try? hub.store.close()
    }

    /// Pushes `ops` in 1000-op batches from 4 concurrent clients, spread over `hubs`; returns
    /// the seconds it took and each push's latency.
    static func pushConcurrently(_ ops: [Op], to hubs: [HTTPHubClient]) async throws -> (Double, [Double]) {
        try await pushConcurrently(ops) { worker, request in _ = try await hubs[worker % hubs.count].push(request) }
    }

    /// The same pushes through AsyncHTTPClient instead of the node's client (URLSession), to a
    /// fresh hub with a fresh workload: what the choice of client costs, in the same run.
    static func pushWithAsyncHTTPClient() async throws -> (opsPerSecond: Double, p50: Double) {
        let hub = try await InProcessHub(path: workDir + "/http-ahc.sqlite")
        defer {
            hub.stop()
            try? hub.store.close()
        }
        let workload = try await Workload.make(store: hub.store)
        let client = NIOPushClient(url: hub.url + HubPaths.push, token: workload.organizerToken)
        defer { client.shutdown() }
        let (elapsed, latencies) = try await pushConcurrently(workload.ops) { _, request in
            try await client.push(request)
        }
        return (Double(workload.ops.count) / elapsed, percentile(latencies, 0.5))
    }

    /// Pushes `ops` in 1000-op batches from 4 concurrent workers through `push`.
    static func pushConcurrently(
        _ ops: [Op], push: @escaping @Sendable (Int, PushRequest) async throws -> Void
    ) async throws -> (Double, [Double]) {
        let batches = stride(from: 0, to: ops.count, by: 1000).map { Array(ops[$0..<min($0 + 1000, ops.count)]) }
        var latencies: [Double] = []
        let elapsed = try await seconds {
            latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [Double] = []
                        for batch in batches.enumerated().filter({ $0.offset % 4 == worker }).map(\.element) {
                            mine.append(
                                try await seconds {
                                    try await push(worker, PushRequest(nodeID: "bench-\(worker)", ops: batch))
                                })
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        return (elapsed, latencies)
    }

    static func countChanges(_ store: HubStore) throws -> Int {
        var total = 0
        var cursor: PullCursor?
        while true {
            let page = try store.pull(since: cursor, limit: 5000)
            total += page.entries.count
            cursor = page.cursor
            if !page.hasMore { return total }
        }
    }
}

/// Runs command-line tools.
enum Shell {
    /// Runs `tool` (a path, or a name looked up on PATH) to completion; its standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let output = NSTemporaryDirectory() + "racesync-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        try ChildProcess(
            tool.hasPrefix("/") ? tool : "/usr/bin/env", tool.hasPrefix("/") ? arguments : [tool] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            stdout: output, stderr: "/dev/null"
        ).waitForExit()
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Runs a program to completion with its output discarded; its exit status (-1 when it
    /// cannot start). The exit is seen at once (`waitid`), so timed runs carry no polling delay.
    @discardableResult
    static func quietly(_ path: String, _ arguments: [String]) -> Int32 {
        (try? ChildProcess(path, arguments, stdout: "/dev/null", stderr: "/dev/null").waitForExit()) ?? -1
    }
}
