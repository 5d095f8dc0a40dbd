import Foundation
import Logging
import PostgresNIO
import SyncCore

/// The hub's change log on PostgreSQL, kept in the replicated rows themselves (migration
/// v11), as on SQLite (see `RowLog` there and docs/sync.md).
///
/// Every replicated row (users, races, participants, caster registers, live status) carries
/// `seq`, the position of its newest change, under an index of its own — except caster
/// registers, whose positions are listed in `caster_positions` (`seq PRIMARY KEY` and the
/// register's key), so that the merge's register updates stay HOT; a pull merges the tables'
/// `seq > cursor` range scans and builds each change from its row. Changes without a
/// row (a participant removed, a stream gone offline, the last poll) are one `log_events` row
/// per key; a participant or live status written again drops its key's event. Positions come
/// from the locked `log_head` (see `PostgresHubStore`), so the never-skip order is unchanged.
enum PostgresRowLog {
    /// A change as pull serves it: its payload is JSON text.
    typealias Entry = (seq: Int64, kind: String, key: String, payload: String)

    // MARK: Writing

    /// Stamps each change's row with its position, in one statement per table; a change
    /// whose row is missing (never through the use cases) and every change without a row
    /// become events, so nothing appended is lost.
    static func write(_ changes: [(seq: Int64, data: ChangeData)], _ connection: PostgresConnection, logger: Logger)
        async throws
    {
        var byID: [String: [(id: UUID, seq: Int64, data: ChangeData)]] = [:]
        var byPair: [String: [(race: UUID, user: UUID, seq: Int64, data: ChangeData)]] = [:]
        var events: [(seq: Int64, data: ChangeData)] = []
        var comingBack: [String] = []
        for (seq, data) in changes {
            switch data {
            case .user(let user): byID["users", default: []].append((user.id, seq, data))
            case .race(let state): byID["races", default: []].append((state.race.id, seq, data))
            case .caster(let c): byPair["casters", default: []].append((c.raceID, c.userID, seq, data))
            case .participant(let p) where !p.removed:
                comingBack.append(data.key)
                byPair["participants", default: []].append((p.raceID, p.userID, seq, data))
            case .live(let live) where live.stream != nil:
                comingBack.append(data.key)
                byID["live_status", default: []].append((live.userID, seq, data))
            case .participant, .live, .poll, .unknown:
                events.append((seq, data))
            }
        }
        if !comingBack.isEmpty {
            try await connection.query("DELETE FROM log_events WHERE key = ANY(\(comingBack)::text[])", logger: logger)
        }
        for (table, rows) in byID {
            let column = table == "live_status" ? "user_id" : "id"
            let found = Set(
                try await connection.all(
                    """
                    UPDATE \(unescaped: table) t SET seq = s.seq FROM unnest(\(rows.map(\.id))::uuid[], \(rows.map(\.seq))::int8[]) AS s(id, seq)
                    WHERE t.\(unescaped: column) = s.id RETURNING s.id
                    """, as: UUID.self, logger: logger))
            events += rows.filter { !found.contains($0.id) }.map { ($0.seq, $0.data) }
        }
        for (table, rows) in byPair {
            let found = Set(
                try await connection.all(
                    """
                    UPDATE \(unescaped: table) t SET seq = s.seq
                    FROM unnest(\(rows.map(\.race))::uuid[], \(rows.map(\.user))::uuid[], \(rows.map(\.seq))::int8[]) AS s(r, u, seq)
                    WHERE t.race_id = s.r AND t.user_id = s.u RETURNING s.seq
                    """, as: Int64.self, logger: logger))
            events += rows.filter { !found.contains($0.seq) }.map { ($0.seq, $0.data) }
            // A register's position is listed apart (see `Statements.WriteRegisters`); its old
            // one, left listed here, no longer matches the row and is skipped by pulls.
            let listed = rows.filter { table == "casters" && found.contains($0.seq) }
            if !listed.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO caster_positions (seq, race_id, user_id)
                    SELECT * FROM unnest(\(listed.map(\.seq))::int8[], \(listed.map(\.race))::uuid[], \(listed.map(\.user))::uuid[])
                    """, logger: logger)
            }
        }
        guard !events.isEmpty else { return }
        let payloads = try events.map { String(decoding: try $0.data.payload(), as: UTF8.self) }
        try await connection.query(
            """
            INSERT INTO log_events (key, seq, kind, payload)
            SELECT * FROM unnest(\(events.map(\.data.key))::text[], \(events.map(\.seq))::int8[], \(events.map(\.data.kind))::text[], \(payloads)::text[])
            ON CONFLICT (key) DO UPDATE SET seq = excluded.seq, kind = excluded.kind, payload = excluded.payload
            """, logger: logger)
    }

    // MARK: Reading

    /// At most `limit` changes after `seq`, in order: up to `limit` rows from each table's
    /// index range, merged; only the rows kept become payloads.
    static func entries(_ connection: PostgresConnection, after seq: Int64, limit: Int, logger: Logger) async throws
        -> [Entry]
    {
        let limit = Int64(limit)
        var found: [(seq: Int64, change: Found)] = []
        for (at, row) in try await connection.all(
            "SELECT seq, \(unescaped: PostgresRows.userColumns) FROM users WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)",
            as: (Int64, UUID, String, String?, String?, String?).self, logger: logger
        ).map({ ($0.0, ($0.1, $0.2, $0.3, $0.4, $0.5)) }) {
            found.append((at, .change(.user(PostgresRows.user(row)))))
        }
        for row in try await connection.all(
            """
            SELECT r.seq, \(unescaped: PostgresRows.raceColumns) FROM races r WHERE r.seq > \(seq) ORDER BY r.seq LIMIT \(limit)
            """, as: (Int64, UUID, String, String, Bool, UUID, Int64, Int64, Int64).self, logger: logger)
        {
            let race = try PostgresRows.race((row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8))
            found.append((row.0, .change(.race(race))))
        }
        for (at, race, user) in try await connection.all(
            "SELECT seq, race_id, user_id FROM participants WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)",
            as: (Int64, UUID, UUID).self, logger: logger)
        {
            found.append((at, .change(.participant(ParticipantState(raceID: race, userID: user)))))
        }
        for row in try await connection.all(
            """
            SELECT p.seq, \(unescaped: PostgresRows.registerColumns) FROM caster_positions p
            JOIN casters c ON c.race_id = p.race_id AND c.user_id = p.user_id AND c.seq = p.seq
            WHERE p.seq > \(seq) ORDER BY p.seq LIMIT \(limit)
            """, as: (Int64, UUID, UUID, Bool, Int64, Int32, String, UUID, UUID?).self, logger: logger)
        {
            let caster = try PostgresRows.register((row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8))
            found.append((row.0, .change(.caster(caster))))
        }
        for row in try await connection.all(
            """
            SELECT seq, \(unescaped: PostgresRows.liveColumns) FROM live_status WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)
            """, as: (Int64, UUID, String, String, Int64, Int64).self, logger: logger)
        {
            let (user, stream) = PostgresRows.live((row.1, row.2, row.3, row.4, row.5))
            found.append((row.0, .change(.live(LiveState(userID: user, stream: stream)))))
        }
        for (at, kind, key, payload) in try await connection.all(
            "SELECT seq, kind, key, payload FROM log_events WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)",
            as: (Int64, String, String, String).self, logger: logger)
        {
            found.append((at, .event(kind: kind, key: key, payload: payload)))
        }
        found.sort { $0.seq < $1.seq }
        return try found.prefix(Int(limit)).map { at, change in
            switch change {
            case .event(let kind, let key, let payload): return (at, kind, key, payload)
            case .change(let data):
                return (at, data.kind, data.key, String(decoding: try data.payload(), as: UTF8.self))
            }
        }
    }

    /// A row read for a pull: a change built from its row, or an event as stored.
    private enum Found {
        case change(ChangeData)
        case event(kind: String, key: String, payload: String)
    }
}
