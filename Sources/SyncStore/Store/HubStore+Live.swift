import Foundation
import GRDB
import SyncCore

extension HubStore {
    /// Lowercase logins of the participants and casters of setup/running races.
    public func pollTargets() throws -> [String: UUID] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT u.login, u.id FROM users u WHERE u.id IN (
                        SELECT p.user_id FROM participants p JOIN races r ON r.id = p.race_id WHERE \(StateQueries.raceIsActive)
                        UNION
                        SELECT c.user_id FROM casters c JOIN races r ON r.id = c.race_id WHERE \(StateQueries.raceIsActive) AND c.present)
                    """)
            return Dictionary(rows.map { ($0["login"] as String, $0["id"] as UUID) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Records a successful poll: writes only the differences to live status (and so to the
    /// change log) plus the poll time (one singleton log row, replaced each time), in one
    /// transaction. Returns the changes written. A poll that changed nothing wakes no long-poll
    /// and leaves cached feeds valid: only the time of the last poll moved.
    @discardableResult
    public func recordPoll(seen: [UUID: LiveStream], at date: Date) throws -> [LiveState] {
        let changes = try write(notify: false) { db -> [LiveState] in
            var current: [UUID: LiveStream] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT user_id, stream_id, title, started_at, observed_at FROM live_status")
            {
                current[row["user_id"]] = StateQueries.liveStream(row)
            }
            let changes = LiveDiff.changes(current: current, seen: seen, observedAt: date)
            let at = Timestamp.milliseconds(date)
            for change in changes {
                try StateQueries.setLive(db, change)
                try ChangeLog.append(db, .live(change), atMs: at)
            }
            try Meta.setDate(db, "last_poll_at", date)
            try ChangeLog.append(db, .poll(PollState(at: date)), atMs: at)
            return changes
        }
        if !changes.isEmpty { changeSignal.notify() }
        return changes
    }
}
