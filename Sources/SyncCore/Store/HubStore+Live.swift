import Foundation
import GRDB

extension HubStore {
    /// Lowercase logins of the participants and casters of setup/running races.
    public func pollTargets() throws -> [String: UUID] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT u.login, u.id FROM users u WHERE u.id IN (
                        SELECT p.user_id FROM participants p JOIN races r ON r.id = p.race_id WHERE r.status != 'finished'
                        UNION
                        SELECT c.user_id FROM casters c JOIN races r ON r.id = c.race_id WHERE r.status != 'finished' AND c.present)
                    """)
            return Dictionary(rows.map { ($0["login"] as String, $0["id"] as UUID) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Records a successful poll: writes only the differences to live status (and so to the
    /// change log) plus the poll time, in one transaction. Returns the changes written.
    @discardableResult
    public func recordPoll(seen: [UUID: HelixStream], at date: Date) throws -> [LiveState] {
        try write { db in
            var current: [UUID: LiveStream] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT user_id, stream_id, title, started_at, observed_at FROM live_status") {
                current[row["user_id"]] = StateQueries.liveStream(row)
            }
            let changes = LiveDiff.changes(current: current, seen: seen, observedAt: date)
            let at = Timestamp.milliseconds(date)
            for change in changes {
                if let stream = change.stream {
                    try db.execute(
                        sql: """
                            INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT(user_id) DO UPDATE SET stream_id = excluded.stream_id, title = excluded.title,
                                started_at = excluded.started_at, observed_at = excluded.observed_at
                            """,
                        arguments: [change.userID, stream.streamID, stream.title, Timestamp.milliseconds(stream.startedAt), at])
                } else {
                    try db.execute(sql: "DELETE FROM live_status WHERE user_id = ?", arguments: [change.userID])
                }
                try ChangeLog.append(db, .live(change), atMs: at)
            }
            try Meta.set(db, "last_poll_at", String(at))
            try ChangeLog.append(db, .poll(PollState(at: date)), atMs: at)
            return changes
        }
    }

    /// When the last successful poll ran.
    public func lastPollAt() throws -> Date? {
        try read { db in try Meta.get(db, "last_poll_at").flatMap(Int64.init).map { Timestamp.date(milliseconds: $0) } }
    }
}
