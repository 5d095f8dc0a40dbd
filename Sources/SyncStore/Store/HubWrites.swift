import Foundation
import GRDB
import RaceService
import SyncCore

/// The SQL of the hub's set-based reads and writes on SQLite (`SQLiteHubTransaction`): one
/// query per kind of fact, one multi-row statement per kind of write (per chunk of a batch).
enum HubWrites {
    /// SQLite's limit on bound values is far above this; batches are at most 1000 ops.
    static let chunk = 500

    // MARK: Facts, one query per kind (per chunk of the batch)

    /// Runs a statement built for `count` rows: prepared once and kept when it is a full chunk
    /// (the common case) or a single row, prepared for this call only otherwise (so odd sizes do not pile up).
    static func execute(_ db: Database, _ sql: String, rows count: Int, _ arguments: [any DatabaseValueConvertible])
        throws
    {
        let statement = count == chunk || count == 1 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments))
    }

    private static func marks(_ count: Int, _ tuple: String = "?") -> String {
        Array(repeating: tuple, count: count).joined(separator: ",")
    }

    /// The rows of `select` (a query over one table, ending in `WHERE <column>`) whose column is
    /// one of `ids`, a chunk of ids per query.
    private static func rows(_ db: Database, _ select: String, in ids: [UUID]) throws -> [Row] {
        try ids.chunked(chunk).flatMap { part in
            try Row.fetchAll(db, sql: "\(select) IN (\(marks(part.count)))", arguments: StatementArguments(part))
        }
    }

    /// The recorded answers of the op ids among `ids`, with who pushed each first.
    static func answers(_ db: Database, _ ids: [UUID]) throws -> [UUID: RecordedAnswer] {
        var found: [UUID: RecordedAnswer] = [:]
        for row in try rows(db, "SELECT op_id, status, code, detail, author FROM applied_ops WHERE op_id", in: ids) {
            let id: UUID = row["op_id"]
            let text: String = row["status"]
            guard let status = OpStatus(rawValue: text) else {
                throw StoreRowError(table: "applied_ops", id: id, reason: "answer '\(text)' is not one RaceSync knows")
            }
            found[id] = RecordedAnswer(
                answer: OpResult(opID: id, status: status, code: row["code"], detail: row["detail"]),
                author: row["author"])
        }
        return found
    }

    static func races(_ db: Database, _ ids: [UUID]) throws -> [UUID: RaceState] {
        var found: [UUID: RaceState] = [:]
        for row in try rows(db, "SELECT \(StateQueries.raceColumns) FROM races r WHERE r.id", in: ids) {
            let race = try StateQueries.race(row)
            found[race.id] = RaceState(race: race, createdSeq: row["created_seq"])
        }
        return found
    }

    static func users(_ db: Database, _ ids: [UUID]) throws -> [UUID: User] {
        var found: [UUID: User] = [:]
        for row in try rows(db, "SELECT \(StateQueries.userColumns) FROM users WHERE id", in: ids) {
            let user = StateQueries.user(row)
            found[user.id] = user
        }
        return found
    }

    /// Stages the batch's (race, user) pairs in a keyed temporary table, so the lookups below
    /// are index probes from each pair (a row-value `IN` list would scan the whole table).
    static func stage(_ db: Database, _ keys: [RegisterKey]) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS merge_keys (race_id BLOB NOT NULL, user_id BLOB NOT NULL, PRIMARY KEY (race_id, user_id)) WITHOUT ROWID;
                DELETE FROM merge_keys;
                """)
        for part in keys.chunked(chunk) {
            try execute(
                db, "INSERT INTO merge_keys (race_id, user_id) VALUES \(marks(part.count, "(?, ?)"))", rows: part.count,
                part.flatMap { [$0.race, $0.user] as [any DatabaseValueConvertible] })
        }
    }

    static func participants(_ db: Database) throws -> Set<RegisterKey> {
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT p.race_id, p.user_id FROM merge_keys k JOIN participants p ON p.race_id = k.race_id AND p.user_id = k.user_id"
        )
        return Set(rows.map { RegisterKey(race: $0["race_id"], user: $0["user_id"]) })
    }

    /// The staged pairs' users that exist.
    static func stagedUsers(_ db: Database) throws -> Set<UUID> {
        Set(
            try UUID.fetchAll(
                db, sql: "SELECT DISTINCT k.user_id FROM merge_keys k JOIN users u ON u.id = k.user_id"))
    }

    static func registers(_ db: Database) throws -> [RegisterKey: CasterRegister] {
        var found: [RegisterKey: CasterRegister] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.race_id, c.user_id, \(StateQueries.registerColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM merge_keys k JOIN casters c ON c.race_id = k.race_id AND c.user_id = k.user_id
                """)
        for row in rows {
            found[RegisterKey(race: row["race_id"], user: row["user_id"])] = try StateQueries.register(row)
        }
        return found
    }

    // MARK: Writes, one multi-row statement per kind (per chunk)

    /// Writes each register with the log position from `firstSeq` on, in order (the row is
    /// the log: see `RowLog.reserve`).
    static func writeRegisters(
        _ db: Database, _ changes: [(key: RegisterKey, register: CasterRegister)], firstSeq: Int64
    ) throws {
        var seq = firstSeq
        for part in changes.chunked(chunk) {
            var arguments: [any DatabaseValueConvertible] = []
            for (key, register) in part {
                arguments += [
                    key.race, key.user, register.present, register.hlc.wallMs, Int64(register.hlc.counter),
                    register.hlc.node, register.opID,
                ]
                arguments.append(register.changedBy.map { $0 as any DatabaseValueConvertible } ?? DatabaseValue.null)
                arguments.append(seq)
                seq += 1
            }
            try execute(
                db,
                """
                INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by, seq)
                VALUES \(marks(part.count, "(?, ?, ?, ?, ?, ?, ?, ?, ?)"))
                ON CONFLICT(race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                    hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id,
                    changed_by = excluded.changed_by, seq = excluded.seq
                """, rows: part.count, arguments)
        }
    }

    static func recordAnswers(_ db: Database, _ answers: [OpResult], author: UUID) throws {
        for part in answers.chunked(chunk) {
            var arguments: [any DatabaseValueConvertible] = []
            for answer in part {
                arguments += [answer.opID, answer.status.rawValue]
                arguments.append(answer.code.map { $0 as any DatabaseValueConvertible } ?? DatabaseValue.null)
                arguments.append(answer.detail.map { $0 as any DatabaseValueConvertible } ?? DatabaseValue.null)
                arguments.append(author)
            }
            try execute(
                db,
                "INSERT INTO applied_ops (op_id, status, code, detail, author) VALUES \(marks(part.count, "(?, ?, ?, ?, ?)"))",
                rows: part.count, arguments)
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
