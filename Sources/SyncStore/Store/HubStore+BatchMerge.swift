import Foundation
import GRDB
import SyncCore

extension HubStore {
    /// Merges a pushed batch in one write transaction: one result per op, in order, every
    /// answer durable before this returns.
    ///
    /// Set-based: the facts of the whole batch are read with a handful of queries, each op is
    /// decided in order by the pure rules (`CasterMerge`, with earlier ops of the batch already
    /// folded in), and the writes go out as one multi-row statement each: registers (the last
    /// applied state of each touched register), change-log rows (one per register, in the order
    /// of their last change) and answers. Same answers and same store as `pushOneByOne`.
    public func push(_ ops: [Op], caller: UUID) throws -> PushResponse {
        let results = try write { db in try BatchMerge(store: self, caller: caller).run(db, ops) }
        return PushResponse(results: results, hlc: currentHLC)
    }
}

/// One batch's merge: facts in, answers and writes out.
struct BatchMerge {
    typealias Key = MergeDecisions.Key

    let store: HubStore
    let caller: UUID
    /// SQLite's limit on bound values is far above this; batches are at most 1000 ops.
    static let chunk = 500

    func run(_ db: Database, _ ops: [Op]) throws -> [OpResult] {
        guard !ops.isEmpty else { return [] }
        let (priors, authors) = try Self.priors(db, ops)
        let races = try Self.races(db, Set(ops.map(\.raceID)))
        try Self.stage(db, Set(ops.map { Key(race: $0.raceID, user: $0.userID) }))
        let participants = try Self.participants(db)
        let registers = try Self.registers(db)
        let users = try Self.users(db, MergeDecisions.userIDs(ops, registers: registers, caller: caller))
        let decisions = MergeDecisions.decide(
            ops, caller: caller, priors: priors, authors: authors, races: races, participants: participants,
            registers: registers, users: users,
            nowMs: store.now(), observe: store.observe)
        try Self.writeRegisters(db, decisions.changes)
        try Self.appendLog(db, decisions.changes, atMs: store.now())
        try Self.recordAnswers(db, decisions.answers, author: caller)
        return decisions.results
    }

    // MARK: Facts, one query per kind (per chunk of the batch)

    /// Runs a statement built for `count` rows: prepared once and kept when it is a full chunk
    /// (the common case), prepared for this call only otherwise (so odd sizes do not pile up).
    static func execute(_ db: Database, _ sql: String, rows count: Int, _ arguments: [any DatabaseValueConvertible])
        throws
    {
        let statement = count == chunk ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments))
    }

    private static func marks(_ count: Int, _ tuple: String = "?") -> String {
        Array(repeating: tuple, count: count).joined(separator: ",")
    }

    /// The recorded answers of `ops`' ids, and who pushed each first (when recorded).
    static func priors(_ db: Database, _ ops: [Op]) throws -> (answers: [UUID: OpResult], authors: [UUID: UUID]) {
        var found: [UUID: OpResult] = [:]
        var authors: [UUID: UUID] = [:]
        for part in Array(Set(ops.map(\.opID))).chunked(Self.chunk) {
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT op_id, status, code, detail, author FROM applied_ops WHERE op_id IN (\(marks(part.count)))",
                arguments: StatementArguments(part))
            for row in rows {
                let id: UUID = row["op_id"]
                let text: String = row["status"]
                guard let status = OpStatus(rawValue: text) else {
                    throw StoreRowError(
                        table: "applied_ops", id: id, reason: "answer '\(text)' is not one RaceSync knows")
                }
                found[id] = OpResult(opID: id, status: status, code: row["code"], detail: row["detail"])
                authors[id] = row["author"]
            }
        }
        return (found, authors)
    }

    static func races(_ db: Database, _ ids: Set<UUID>) throws -> [UUID: Race] {
        var found: [UUID: Race] = [:]
        for part in Array(ids).chunked(Self.chunk) {
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(StateQueries.raceColumns) FROM races r WHERE r.id IN (\(marks(part.count)))",
                arguments: StatementArguments(part))
            for row in rows {
                let race = try StateQueries.race(row)
                found[race.id] = race
            }
        }
        return found
    }

    static func users(_ db: Database, _ ids: Set<UUID>) throws -> [UUID: User] {
        var found: [UUID: User] = [:]
        for part in Array(ids).chunked(Self.chunk) {
            for row in try Row.fetchAll(
                db, sql: "SELECT id, login, display_name FROM users WHERE id IN (\(marks(part.count)))",
                arguments: StatementArguments(part))
            {
                let user = StateQueries.user(row)
                found[user.id] = user
            }
        }
        return found
    }

    /// Stages the batch's (race, user) pairs in a keyed temporary table, so the lookups below
    /// are index probes from each pair (a row-value `IN` list would scan the whole table).
    static func stage(_ db: Database, _ keys: Set<Key>) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS merge_keys (race_id BLOB NOT NULL, user_id BLOB NOT NULL, PRIMARY KEY (race_id, user_id)) WITHOUT ROWID;
                DELETE FROM merge_keys;
                """)
        for part in Array(keys).chunked(Self.chunk) {
            try execute(
                db, "INSERT INTO merge_keys (race_id, user_id) VALUES \(marks(part.count, "(?, ?)"))", rows: part.count,
                part.flatMap { [$0.race, $0.user] as [any DatabaseValueConvertible] })
        }
    }

    static func participants(_ db: Database) throws -> Set<Key> {
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT p.race_id, p.user_id FROM merge_keys k JOIN participants p ON p.race_id = k.race_id AND p.user_id = k.user_id"
        )
        return Set(rows.map { Key(race: $0["race_id"], user: $0["user_id"]) })
    }

    static func registers(_ db: Database) throws -> [Key: CasterRegister] {
        var found: [Key: CasterRegister] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.race_id, c.user_id, \(StateQueries.registerColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM merge_keys k JOIN casters c ON c.race_id = k.race_id AND c.user_id = k.user_id
                """)
        for row in rows { found[Key(race: row["race_id"], user: row["user_id"])] = try StateQueries.register(row) }
        return found
    }

    // MARK: Writes, one multi-row statement per kind (per chunk)

    static func writeRegisters(_ db: Database, _ changes: [(Key, CasterRegister)]) throws {
        for part in changes.chunked(Self.chunk) {
            var arguments: [any DatabaseValueConvertible] = []
            for (key, register) in part {
                arguments += [
                    key.race, key.user, register.present, register.hlc.wallMs, Int64(register.hlc.counter),
                    register.hlc.node, register.opID,
                ]
                arguments.append(register.changedBy.map { $0 as any DatabaseValueConvertible } ?? DatabaseValue.null)
            }
            try execute(
                db,
                """
                INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by)
                VALUES \(marks(part.count, "(?, ?, ?, ?, ?, ?, ?, ?)"))
                ON CONFLICT(race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                    hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id,
                    changed_by = excluded.changed_by
                """, rows: part.count, arguments)
        }
    }

    static func appendLog(_ db: Database, _ changes: [(Key, CasterRegister)], atMs: Int64) throws {
        for part in changes.chunked(Self.chunk) {
            var arguments: [any DatabaseValueConvertible] = []
            for (key, register) in part {
                let data = ChangeData.caster(CasterState(raceID: key.race, userID: key.user, register: register))
                arguments += [data.kind, data.key, String(decoding: try data.payload(), as: UTF8.self), atMs]
            }
            // Rows are numbered in statement order: the order of each register's last change.
            try execute(
                db,
                "INSERT OR REPLACE INTO change_log (kind, key, payload, at) VALUES \(marks(part.count, "(?, ?, ?, ?)"))",
                rows: part.count, arguments)
        }
    }

    static func recordAnswers(_ db: Database, _ answers: [OpResult], author: UUID) throws {
        for part in answers.chunked(Self.chunk) {
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
