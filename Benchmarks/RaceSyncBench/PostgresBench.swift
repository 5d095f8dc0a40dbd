import Foundation
import Logging
import PostgresNIO
import RaceService
import SyncCore
import SyncNode
import SyncPostgres
import SyncStore

/// The hub merge over HTTP on PostgreSQL with one and with two hub instances (in this process,
/// each with its own pool), next to PostgreSQL itself writing the same rows in the same run.
/// Needs a server: `make bench` starts one (`scripts/pg-test-cluster run`, durable settings).
enum PostgresBench {
    static let opCount = 100_000

    static func run(_ report: Report, sqliteHTTPOpsPerSecond: Double?) async throws {
        guard let admin = ProcessInfo.processInfo.environment["RACESYNC_TEST_POSTGRES_URL"] else {
            log("postgres: skipped (no RACESYNC_TEST_POSTGRES_URL; `make bench` starts a server)")
            return
        }
        var logger = Logger(label: "bench.postgres")
        logger.logLevel = .error
        if ProcessInfo.processInfo.environment["RACESYNC_BENCH_POSTGRES_PART"] == "merge" {
            let (merge, floor) = try await mergeAndFloorSeconds(admin, logger: logger)
            return print(
                "postgres part merge: \(Int(Double(opCount) / merge)) ops/s, floor \(Int(Double(opCount) / floor)) ops/s, ratio \(format(floor / merge))"
            )
        }
        var ops: [Op] = []
        var single = 0.0
        var double = 0.0
        var singleLatencies: [Double] = []
        var doubleLatencies: [Double] = []
        for instances in [1, 2] {
            let url = try await database(admin, "bench_http_\(instances)", logger: logger)
            let stores = try await (0..<instances).asyncMap { _ in try await PostgresHubStore.open(url, logger: logger)
            }
            log("postgres: \(instances) hub(s), preparing \(opCount) ops")
            let workload = try await workloadOps(stores[0], reuse: ops)
            ops = workload.ops
            let hubs = try await stores.asyncMap { try await InProcessHub(hub: $0.hub) }
            let clients = try hubs.map { try HTTPHubClient(base: $0.url, token: workload.token) }
            let (elapsed, latencies) = try await HTTPBench.pushConcurrently(workload.ops, to: clients)
            if instances == 1 {
                (single, singleLatencies) = (elapsed, latencies)
            } else {
                (double, doubleLatencies) = (elapsed, latencies)
            }
            hubs.forEach { $0.stop() }
            stores.forEach { $0.close() }
        }
        // The merge alone, in process, batch by batch with the floor (what the HTTP figures cost
        // beyond it; interleaved, so the machine's drift touches both alike).
        let (merge, floor) = try await mergeAndFloorSeconds(admin, logger: logger)
        let floorRate = Double(opCount) / floor
        let floorName = "ops/s PostgreSQL multi-row inserts of the same rows, 1000 per transaction"
        report.add(
            Figure(
                name: "hub merge on PostgreSQL, 100k ops in process", value: Double(opCount) / merge, unit: "ops/s",
                baseline: floorRate, baselineName: floorName,
                note:
                    "1000-op batches, each followed by the floor's (interleaved); the floor does the writes without the merge's reads"
            ))
        let sqlite = sqliteHTTPOpsPerSecond.map { ", SQLite hub over HTTP \(format($0)) ops/s" } ?? ""
        report.add(
            Figure(
                name: "100k ops pushed over HTTP to 1 hub on PostgreSQL, 4 clients", value: Double(opCount) / single,
                unit: "ops/s",
                baseline: floorRate, baselineName: floorName,
                note:
                    "push p50 \(format(percentile(singleLatencies, 0.5) * 1000)) ms, p99 \(format(percentile(singleLatencies, 0.99) * 1000)) ms\(sqlite)"
            ))
        report.add(
            Figure(
                name: "100k ops pushed over HTTP to 2 hubs on one PostgreSQL, 4 clients",
                value: Double(opCount) / double, unit: "ops/s",
                baseline: floorRate, baselineName: floorName,
                note:
                    "push p50 \(format(percentile(doubleLatencies, 0.5) * 1000)) ms, p99 \(format(percentile(doubleLatencies, 0.99) * 1000)) ms; log appends serialize on the head row"
            ))
    }

    /// Seconds to merge a fresh workload in process in 1000-op batches, and seconds for the
    /// floor to write the same batches, each merge batch followed by the floor's.
    /// `RACESYNC_BENCH_POSTGRES_PART=merge` runs only this, for a profiler (`perf record -a -g`
    /// sees the server's processes too).
    static func mergeAndFloorSeconds(_ admin: String, logger: Logger) async throws -> (merge: Double, floor: Double) {
        let url = try await database(admin, "bench_merge", logger: logger)
        let store = try await PostgresHubStore.open(url, logger: logger)
        defer { store.close() }
        let workload = try await workloadOps(store, reuse: [])
        let caller = try await store.hub.user(token: workload.token)!.id
        let floor = try await Floor(try await database(admin, "bench_floor", logger: logger), logger: logger)
        var (merge, written) = (0.0, 0.0)
        for start in stride(from: 0, to: workload.ops.count, by: 1000) {
            let batch = Array(workload.ops[start..<min(start + 1000, workload.ops.count)])
            merge += try await seconds { _ = try await store.hub.push(batch, caller: caller) }
            written += try await seconds { try await floor.write(batch) }
        }
        await floor.close()
        return (merge, written)
    }

    /// A new database named `name` (dropped first if a run left it).
    static func database(_ admin: String, _ name: String, logger: Logger) async throws -> PostgresURL {
        var url = try PostgresURL(admin)
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration(), id: 1, logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name)"), logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        try await connection.close()
        url.database = name
        return url
    }

    /// The benchmark's users and races on `store`, and 100k ops over them (the same pairs again
    /// when `reuse` holds a previous run's ops, remapped to this store's ids).
    static func workloadOps(_ store: PostgresHubStore, reuse: [Op]) async throws -> (ops: [Op], token: String) {
        let hub = store.hub
        let (organizer, token) = try await hub.addUser(login: "organizer", displayName: nil)
        var users: [User] = []
        for i in 0..<1000 { users.append(try await hub.addUser(login: "user\(i)", displayName: nil).user) }
        var races: [UUID] = []
        for i in 0..<100 { races.append(try await hub.createRace(name: "race \(i)", organizer: organizer.id).id) }
        var rng = SystemRandomNumberGenerator()
        let now = WallClock.nowMs()
        let ops = (0..<opCount).map { i in
            Op(
                kind: Bool.random(using: &rng) ? .join : .leave, raceID: races.randomElement(using: &rng)!,
                userID: users.randomElement(using: &rng)!.id,
                hlc: HLC(wallMs: now - 50_000 + Int64(i / 60), counter: UInt16(i % 60), node: "bench"))
        }
        return (ops, token)
    }

    /// PostgreSQL writing what the merge writes per op (a register upsert, a log row, an op
    /// id), 1000 rows per transaction as multi-row `UNNEST` inserts, without the merge's reads,
    /// in a minimal schema (the SQL is here).
    final class Floor {
        let connection: PostgresConnection
        let logger: Logger
        var seq: Int64 = 0

        init(_ url: PostgresURL, logger: Logger) async throws {
            connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration(), id: 1, logger: logger)
            self.logger = logger
            for statement in [
                "CREATE TABLE casters (race_id uuid, user_id uuid, present boolean, hlc_wall bigint, hlc_counter integer, hlc_node text, op_id uuid, PRIMARY KEY (race_id, user_id))",
                "CREATE TABLE change_log (seq bigint PRIMARY KEY, key text UNIQUE, payload text)",
                "CREATE TABLE applied_ops (op_id uuid PRIMARY KEY, status text)",
            ] { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
        }

        func close() async { try? await connection.close() }

        /// One batch in one transaction: each pair's last op as its register and log row, every op id.
        func write(_ part: [Op]) async throws {
            var latest: [String: Op] = [:]
            for op in part { latest["\(op.raceID)\(op.userID)"] = op }
            let rows = Array(latest.values)
            let seqs = rows.indices.map { seq + Int64($0) + 1 }
            seq += Int64(rows.count)
            try await connection.query("BEGIN", logger: logger)
            try await connection.query(
                """
                INSERT INTO casters SELECT * FROM unnest(\(rows.map(\.raceID))::uuid[], \(rows.map(\.userID))::uuid[], \(rows.map { $0.kind == .join })::bool[],
                    \(rows.map(\.hlc.wallMs))::int8[], \(rows.map { Int32($0.hlc.counter) })::int4[], \(rows.map(\.hlc.node))::text[], \(rows.map(\.opID))::uuid[])
                ON CONFLICT (race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                    hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO change_log SELECT * FROM unnest(\(seqs)::int8[], \(rows.map { "caster:\($0.raceID):\($0.userID)" })::text[],
                    \(rows.map { "{\"op_id\":\"\($0.opID)\",\"present\":\($0.kind == .join)}" })::text[])
                ON CONFLICT (key) DO UPDATE SET seq = excluded.seq, payload = excluded.payload
                """, logger: logger)
            try await connection.query(
                "INSERT INTO applied_ops SELECT * FROM unnest(\(part.map(\.opID))::uuid[], \(part.map { _ in "applied" })::text[])",
                logger: logger)
            try await connection.query("COMMIT", logger: logger)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
