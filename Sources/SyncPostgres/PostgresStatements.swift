import Foundation
import Logging
import PostgresNIO
import SyncCore

/// The hot paths' statements, prepared once per connection (postgres-nio prepares a statement on
/// its first use on a connection and reuses it): token lookups on every authenticated request,
/// the log head, pulls, and every statement of the batch merge. The merge's statements take
/// arrays (`UNNEST`), so their text is the same for every batch size.
enum Statements {
    struct TokenUser: PostgresPreparedStatement {
        static let sql = """
            SELECT u.id, u.login, u.display_name, u.twitch_id, u.avatar_url, t.id, t.name, t.created_at, t.last_used_at
            FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1
            """
        typealias Row = (UUID, String, String?, String?, String?, UUID, String, Int64, Int64?)
        var hash: Data
        func makeBindings() throws -> PostgresBindings { try bindings(hash) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Locks the log head for the transaction: every write takes it first.
    ///
    /// It also tells the planner to probe by key for the rest of the transaction: a write finds
    /// its facts by key (a merge, for up to 1000 keys), where a probe per key is always the
    /// right plan while the planner's disk-minded costs pick a scan of the whole table (7 ms
    /// instead of under 2 ms on 100k applied ops, measured). A statement with no index to use
    /// still scans. Set here rather than by a statement of its own: one round trip less.
    struct LockHead: PostgresPreparedStatement {
        static let sql = """
            SELECT seq, hlc_wall, hlc_counter FROM log_head, set_config('enable_seqscan', 'off', true)
            WHERE id = 1 FOR UPDATE OF log_head
            """
        typealias Row = (Int64, Int64, Int32)
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    struct StoreHead: PostgresPreparedStatement {
        static let sql = "UPDATE log_head SET seq = $1, hlc_wall = $2, hlc_counter = $3 WHERE id = 1"
        typealias Row = ()
        var seq: Int64, wall: Int64, counter: Int32
        func makeBindings() throws -> PostgresBindings { try bindings(seq, wall, counter) }
    }

    /// `StoreHead` that also wakes every instance's listener when the transaction commits
    /// (`pg_notify` is transactional like `NOTIFY`), in the same round trip.
    struct StoreHeadAndNotify: PostgresPreparedStatement {
        static let sql = """
            UPDATE log_head SET seq = $1, hlc_wall = $2, hlc_counter = $3 WHERE id = 1
            RETURNING pg_notify('\(PostgresHubStore.channel)', '')
            """
        typealias Row = ()
        var seq: Int64, wall: Int64, counter: Int32
        func makeBindings() throws -> PostgresBindings { try bindings(seq, wall, counter) }
    }

    // MARK: The batch merge

    struct Answers: PostgresPreparedStatement {
        static let sql = "SELECT op_id, status, code, detail, author FROM applied_ops WHERE op_id = ANY($1::uuid[])"
        typealias Row = PostgresRows.AnswerRow
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { try bindings(ids) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    struct Races: PostgresPreparedStatement {
        static let sql = "SELECT \(PostgresRows.raceColumns) FROM races r WHERE r.id = ANY($1::uuid[])"
        typealias Row = PostgresRows.RaceRow
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { try bindings(ids) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Whether each (race, user) pair's user exists and, for a pair that joins ($3), is a
    /// participant, and the pair's caster register if it has one: up to three probes per pair,
    /// in one statement (the participant probe is skipped for the others: `LIMIT` keeps the
    /// subquery apart, so its `k.joins` is a one-time filter).
    struct PairFacts: PostgresPreparedStatement {
        static let sql = """
            SELECT k.race_id, k.user_id, u.id IS NOT NULL, p.race_id IS NOT NULL, c.present, c.hlc_wall,
                c.hlc_counter, c.hlc_node, c.op_id, c.changed_by, c.seq
            FROM unnest($1::uuid[], $2::uuid[], $3::bool[]) AS k(race_id, user_id, joins)
            LEFT JOIN users u ON u.id = k.user_id
            LEFT JOIN LATERAL (
                SELECT p.race_id FROM participants p
                WHERE k.joins AND p.race_id = k.race_id AND p.user_id = k.user_id LIMIT 1) p ON true
            LEFT JOIN casters c ON c.race_id = k.race_id AND c.user_id = k.user_id
            WHERE u.id IS NOT NULL OR p.race_id IS NOT NULL OR c.race_id IS NOT NULL
            """
        struct Row {
            var race: UUID, user: UUID, userExists: Bool, participant: Bool
            var present: Bool?, wall: Int64?, counter: Int32?, node: String?, opID: UUID?, changedBy: UUID?
            /// The register's log position (nil without a register).
            var seq: Int64?

            /// The pair's register, nil when it has none.
            func register() throws -> CasterRegister? {
                guard let present, let wall, let counter, let node, let opID else { return nil }
                return try PostgresRows.register((race, user, present, wall, counter, node, opID, changedBy)).register
            }
        }
        var races: [UUID], users: [UUID], joins: [Bool]
        func makeBindings() throws -> PostgresBindings { try bindings(races, users, joins) }
        func decodeRow(_ row: PostgresRow) throws -> Row {
            var cells = PostgresCells(row)
            return Row(
                race: try cells.next(), user: try cells.next(), userExists: try cells.next(),
                participant: try cells.next(), present: try cells.next(), wall: try cells.next(),
                counter: try cells.next(), node: try cells.next(), opID: try cells.next(), changedBy: try cells.next(),
                seq: try cells.next())
        }
    }

    struct Users: PostgresPreparedStatement {
        static let sql = "SELECT \(PostgresRows.userColumns) FROM users WHERE id = ANY($1::uuid[])"
        typealias Row = PostgresRows.UserRow
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { try bindings(ids) }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Writes each register with its log position, lists the positions in `caster_positions`
    /// and unlists the registers' previous positions ($10), in one statement. `seq` has no index
    /// on `casters`, so a register update can stay on its page (a HOT update: no index changes);
    /// measured, an index on it doubled the upsert's time.
    struct WriteRegisters: PostgresPreparedStatement {
        static let sql = """
            WITH written AS (
                INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by, seq)
                SELECT r, u, p, w, c, n, o, a, s
                FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::int8[], $5::int4[], $6::text[], $7::uuid[], $8::uuid[], $9::int8[])
                    AS t(r, u, p, w, c, n, o, a, s)
                ON CONFLICT (race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                    hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id,
                    changed_by = excluded.changed_by, seq = excluded.seq),
            unlisted AS (DELETE FROM caster_positions WHERE seq = ANY($10::int8[]))
            INSERT INTO caster_positions (seq, race_id, user_id) SELECT * FROM unnest($9::int8[], $1::uuid[], $2::uuid[])
            """
        typealias Row = ()
        var races: [UUID], users: [UUID], present: [Bool], walls: [Int64], counters: [Int32], nodes: [String],
            opIDs: [UUID], authors: NullableArray<UUID>, seqs: [Int64], previous: [Int64]
        func makeBindings() throws -> PostgresBindings {
            try bindings(races, users, present, walls, counters, nodes, opIDs, authors, seqs, previous)
        }
    }

    /// Codes are HTTP statuses (100...599) and details never empty: -1 and "" stand for none.
    struct RecordAnswers: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO applied_ops (op_id, status, code, detail, author)
            SELECT o, s, c, d, $5::uuid FROM unnest($1::uuid[], $2::text[], $3::int4[], $4::text[]) AS t(o, s, c, d)
            """
        typealias Row = ()
        var ids: [UUID], statuses: [String], codes: NullableArray<Int32>, details: NullableArray<String>,
            author: UUID
        func makeBindings() throws -> PostgresBindings { try bindings(ids, statuses, codes, details, author) }
    }
}

extension PostgresPreparedStatement {
    /// The statement's values, in order.
    func bindings<each Value: PostgresEncodable>(_ values: repeat each Value) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        repeat try bindings.append(each values)
        return bindings
    }
}

extension PostgresPreparedStatement where Row == () {
    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}

extension PostgresConnection {
    /// Runs a prepared statement and collects its rows.
    func rows<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws -> [Statement
        .Row]
    {
        var rows: [Statement.Row] = []
        for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs a prepared statement that returns no rows (its result is read to the end: asking
    /// postgres-nio for the command tag at once was seen to trap).
    func run<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws
    where Statement.Row == () {
        _ = try await rows(statement, logger: logger)
    }
}
