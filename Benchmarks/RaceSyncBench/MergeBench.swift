import Foundation
import GRDB
import SyncCore
import SyncNode
import SyncStore
import SyncTwitch

/// Hub merge of 100k ops in process, next to raw SQLite inserts of the same rows.
enum MergeBench {
    /// The name of the set-based merge's figure (the HTTP push is measured against it).
    static let mergeFigure = "hub merge, 100k ops in process"

    static func run(_ report: Report) async throws {
        if let part = ProcessInfo.processInfo.environment["RACESYNC_BENCH_MERGE_PART"] {
            return try await runAlone(part)
        }
        log("merge: preparing 100k ops")
        let (merge, workload) = try await timed("merge.sqlite")
        let perRow = try rawInserts(workload.ops)
        let setBased = try setBasedInserts(workload.ops)
        report.add(
            Figure(
                name: mergeFigure, value: Double(workload.ops.count) / merge, unit: "ops/s",
                baseline: Double(workload.ops.count) / setBased,
                baselineName: "ops/s SQLite set-based, minimal schema: stage + INSERT…SELECT",
                note: "1000 ops per durable transaction, synchronous=FULL"))
        report.add(
            Figure(
                name: "hub merge, 100k ops in process (vs per-row floor)", value: Double(workload.ops.count) / merge,
                unit: "ops/s",
                baseline: Double(workload.ops.count) / perRow,
                baselineName: "ops/s raw SQLite insert of register + log + op id",
                note: "prepared statements, a row at a time"))
    }

    /// Runs one part alone (`store`, `setbased` or `perrow`; `setup` makes only the users and
    /// races every part starts with, to subtract), for a profiler or `strace -c` to see only it:
    /// `RACESYNC_BENCH_MERGE_PART=store perf record -g racesync-bench --only merge`.
    static func runAlone(_ part: String) async throws {
        let store = try HubStore(path: workDir + "/merge-part.sqlite")
        defer { try? store.close() }
        let workload = try await Workload.make(store: store)
        let elapsed: Double
        switch part {
        case "store": elapsed = try await merge(workload, into: store)
        case "setbased": elapsed = try setBasedInserts(workload.ops)
        case "perrow": elapsed = try rawInserts(workload.ops)
        case "setup": return
        default:
            throw NSError(
                domain: "bench", code: 1,
                userInfo: [NSLocalizedDescriptionKey: "RACESYNC_BENCH_MERGE_PART is store, setbased, perrow or setup"])
        }
        print("merge part \(part): \(Int(Double(workload.ops.count) / elapsed)) ops/s")
    }

    /// Seconds to merge a fresh workload in 1000-op batches, on a new store.
    static func timed(_ file: String) async throws -> (Double, Workload) {
        let store = try HubStore(path: workDir + "/" + file)
        defer { try? store.close() }
        let workload = try await Workload.make(store: store)
        return (try await merge(workload, into: store), workload)
    }

    /// Seconds to merge `workload`'s ops into `store` in 1000-op batches.
    static func merge(_ workload: Workload, into store: HubStore) async throws -> Double {
        try await seconds {
            for start in stride(from: 0, to: workload.ops.count, by: 1000) {
                _ = try await store.hub.push(
                    Array(workload.ops[start..<min(start + 1000, workload.ops.count)]), caller: workload.organizer.id)
            }
        }
    }

    /// The same rows written set-based: each 1000-op batch staged by one multi-row insert into
    /// a temporary table, then one `INSERT … SELECT` each for registers, log rows and op ids,
    /// in one durable transaction (the floor of the issue).
    static func setBasedInserts(_ ops: [Op]) throws -> Double {
        let queue = try floorQueue(workDir + "/setbased.sqlite")
        defer { try? queue.close() }
        return try seconds {
            for start in stride(from: 0, to: ops.count, by: 1000) {
                let batch = ops[start..<min(start + 1000, ops.count)]
                try queue.write { db in
                    try db.execute(
                        sql: """
                            CREATE TEMP TABLE IF NOT EXISTS stage (race_id BLOB, user_id BLOB, present INTEGER, wall INTEGER, counter INTEGER,
                                node TEXT, op_id BLOB, key TEXT, payload TEXT);
                            DELETE FROM stage;
                            """)
                    var arguments: [any DatabaseValueConvertible] = []
                    for op in batch {
                        arguments += [
                            op.raceID, op.userID, op.kind.present, op.hlc.wallMs, Int64(op.hlc.counter), op.hlc.node,
                            op.opID,
                            "caster:\(op.raceID.lowercased):\(op.userID.lowercased)",
                            String(repeating: "x", count: 240),
                        ]
                    }
                    try db.execute(
                        sql: "INSERT INTO stage VALUES "
                            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: batch.count).joined(separator: ","),
                        arguments: StatementArguments(arguments))
                    try db.execute(
                        sql: """
                            INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by)
                            SELECT race_id, user_id, present, wall, counter, node, op_id, user_id FROM stage WHERE true
                            ON CONFLICT (race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                                hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id, changed_by = excluded.changed_by
                                WHERE (excluded.hlc_wall, excluded.hlc_counter, excluded.hlc_node) > (casters.hlc_wall, casters.hlc_counter, casters.hlc_node);
                            INSERT OR REPLACE INTO change_log (kind, key, payload, at) SELECT 'caster', key, payload, wall FROM stage;
                            INSERT INTO applied_ops (op_id, status, code, detail) SELECT op_id, 'applied', NULL, NULL FROM stage;
                            """)
                }
            }
        }
    }

    /// The same rows written with prepared statements and nothing else, 1000 per transaction.
    static func rawInserts(_ ops: [Op]) throws -> Double {
        let queue = try floorQueue(workDir + "/raw.sqlite")
        defer { try? queue.close() }
        return try seconds {
            for start in stride(from: 0, to: ops.count, by: 1000) {
                try queue.write { db in
                    let register = try db.cachedStatement(
                        sql: """
                            INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                                hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id, changed_by = excluded.changed_by
                            """)
                    // The log is compacted by row: a key's new change replaces its previous one.
                    let change = try db.cachedStatement(
                        sql: "INSERT OR REPLACE INTO change_log (kind, key, payload, at) VALUES (?, ?, ?, ?)")
                    let answer = try db.cachedStatement(
                        sql: "INSERT INTO applied_ops (op_id, status, code, detail) VALUES (?, ?, NULL, NULL)")
                    for op in ops[start..<min(start + 1000, ops.count)] {
                        try register.execute(arguments: [
                            op.raceID, op.userID, op.kind.present, op.hlc.wallMs, Int64(op.hlc.counter), op.hlc.node,
                            op.opID, op.userID,
                        ])
                        try change.execute(arguments: [
                            "caster", "caster:\(op.raceID.lowercased):\(op.userID.lowercased)",
                            String(repeating: "x", count: 240), op.hlc.wallMs,
                        ])
                        try answer.execute(arguments: [op.opID, "applied"])
                    }
                }
            }
        }
    }

    /// A floor's file: the minimal schema a naive hub would use (the register, a change log
    /// compacted by a unique text key, the op ids), with the hub's durability (WAL,
    /// `synchronous=FULL`), page cache and in-memory temporary tables, and none of its code.
    static func floorQueue(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    PRAGMA journal_mode = WAL;
                    CREATE TABLE casters (
                        race_id BLOB NOT NULL, user_id BLOB NOT NULL, present INTEGER NOT NULL, hlc_wall INTEGER NOT NULL,
                        hlc_counter INTEGER NOT NULL, hlc_node TEXT NOT NULL, op_id BLOB NOT NULL, changed_by BLOB,
                        PRIMARY KEY (race_id, user_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE change_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
                        payload TEXT NOT NULL, at INTEGER NOT NULL
                    );
                    CREATE TABLE applied_ops (op_id BLOB PRIMARY KEY, status TEXT NOT NULL, code INTEGER, detail TEXT) WITHOUT ROWID;
                    """)
        }
        return queue
    }
}
