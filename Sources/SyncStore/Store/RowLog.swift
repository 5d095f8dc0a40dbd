import Foundation
import GRDB
import SyncCore

/// The hub's change log on SQLite, kept in the replicated rows themselves (schema v14).
///
/// Every replicated row (users, races, participants, caster registers, live status) carries
/// `seq`, the log position of its newest change, under an index of its own. Writing a change
/// gives its row the next position (`append`, inside the write transaction of the change, so
/// the two commit together or not at all); a pull reads `seq > cursor` from each table in
/// `seq` order and merges the few range scans (`entries`), building each change from the row.
/// A row holds only its newest change, so the log is compacted by construction: a fresh pull
/// is bounded by the state, and a node behind at any cursor still gets every row changed
/// after it, in its newest state.
///
/// Changes without a row of their own (a participant removed, a stream gone offline, the
/// last Twitch poll) are kept in `log_events`, one per key, with their payload; a participant
/// or live status written again (the rows that come back after a removal) removes its key's
/// event there. `log_head` holds the last position issued.
enum RowLog {
    /// A change as pull serves it: its payload is JSON text.
    struct Entry: Sendable {
        var seq: Int64
        var kind: String
        var key: String
        var payload: String
    }

    /// The last position issued (0 for an empty log).
    static func lastSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM log_head")) ?? 0
    }

    // MARK: Reading

    /// One replicated table's rows after a position, in order, as changes.
    private struct Source: Sendable {
        var sql: String
        var change: @Sendable (Row) throws -> ChangeData
    }

    private static let sources: [Source] = [
        Source(sql: "SELECT seq, \(StateQueries.userColumns) FROM users") { .user(StateQueries.user($0)) },
        Source(sql: "SELECT r.seq, \(StateQueries.raceColumns) FROM races r") {
            .race(RaceState(race: try StateQueries.race($0), createdSeq: $0["created_seq"]))
        },
        Source(sql: "SELECT seq, race_id, user_id FROM participants") {
            .participant(ParticipantState(raceID: $0["race_id"], userID: $0["user_id"]))
        },
        Source(sql: "SELECT seq, race_id, user_id, \(StateQueries.registerColumns) FROM casters") {
            .caster(CasterState(raceID: $0["race_id"], userID: $0["user_id"], register: try StateQueries.register($0)))
        },
        Source(sql: "SELECT seq, user_id, stream_id, title, started_at, observed_at FROM live_status") {
            .live(LiveState(userID: $0["user_id"], stream: StateQueries.liveStream($0)))
        },
    ]

    /// At most `limit` changes after `seq`, in order: up to `limit` rows from each table's
    /// index range, merged; only the rows kept become payloads.
    static func entries(_ db: Database, after seq: Int64, limit: Int) throws -> [Entry] {
        var found: [(seq: Int64, source: Int, row: Row)] = []
        for (index, source) in sources.enumerated() {
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "\(source.sql) WHERE seq > ? ORDER BY seq LIMIT ?"), arguments: [seq, limit])
            found += rows.map { ($0["seq"], index, $0) }
        }
        let events = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT seq, kind, key, payload FROM log_events WHERE seq > ? ORDER BY seq LIMIT ?"),
            arguments: [seq, limit])
        found += events.map { ($0["seq"], sources.count, $0) }
        found.sort { $0.seq < $1.seq }
        return try found.prefix(limit).map { seq, index, row in
            guard index < sources.count else {
                return Entry(seq: seq, kind: row["kind"], key: row["key"], payload: row["payload"])
            }
            let data = try sources[index].change(row)
            return Entry(
                seq: seq, kind: data.kind, key: data.key, payload: String(decoding: try data.payload(), as: UTF8.self))
        }
    }

    // MARK: Writing

    /// Gives each change the next position, in order: its row's `seq`, or an event for a
    /// change without a row. A key changed twice keeps the later position.
    static func append(_ db: Database, _ changes: [ChangeData]) throws {
        let first = try reserve(db, count: changes.count)
        for (offset, data) in changes.enumerated() { try stamp(db, data, seq: first + Int64(offset)) }
    }

    /// Hands out the next `count` positions; answers the first. `append` stamps them on the
    /// changes' rows; the merge's caster registers are written with theirs.
    static func reserve(_ db: Database, count: Int) throws -> Int64 {
        let first = try lastSeq(db) + 1
        try db.cachedStatement(sql: "UPDATE log_head SET seq = ?").execute(arguments: [first + Int64(count) - 1])
        return first
    }

    private static func stamp(_ db: Database, _ data: ChangeData, seq: Int64) throws {
        switch data {
        case .user(let user):
            try stampRow(db, data, "UPDATE users SET seq = ? WHERE id = ?", [seq, user.id], seq: seq)
        case .race(let state):
            try stampRow(db, data, "UPDATE races SET seq = ? WHERE id = ?", [seq, state.race.id], seq: seq)
        case .caster(let c):
            try stampRow(
                db, data, "UPDATE casters SET seq = ? WHERE race_id = ? AND user_id = ?", [seq, c.raceID, c.userID],
                seq: seq)
        case .participant(let p) where !p.removed:
            try dropEvent(db, key: data.key)
            try stampRow(
                db, data, "UPDATE participants SET seq = ? WHERE race_id = ? AND user_id = ?",
                [seq, p.raceID, p.userID],
                seq: seq)
        case .live(let live) where live.stream != nil:
            try dropEvent(db, key: data.key)
            try stampRow(db, data, "UPDATE live_status SET seq = ? WHERE user_id = ?", [seq, live.userID], seq: seq)
        case .participant, .live, .poll, .unknown:
            try recordEvent(db, data, seq: seq)
        }
    }

    /// Stamps the change's row; a change whose row is not there (never expected) is kept as
    /// an event instead, so no appended change is ever lost.
    private static func stampRow(
        _ db: Database, _ data: ChangeData, _ sql: String, _ arguments: StatementArguments, seq: Int64
    ) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
        if db.changesCount == 0 { try recordEvent(db, data, seq: seq) }
    }

    private static func recordEvent(_ db: Database, _ data: ChangeData, seq: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO log_events (key, seq, kind, payload) VALUES (?, ?, ?, ?)")
            .execute(arguments: [data.key, seq, data.kind, String(decoding: try data.payload(), as: UTF8.self)])
    }

    private static func dropEvent(_ db: Database, key: String) throws {
        try db.cachedStatement(sql: "DELETE FROM log_events WHERE key = ?").execute(arguments: [key])
    }
}
