import Foundation
import PostgresNIO
import SyncCore
import SyncStore

extension PostgresHubStore: LiveStatusStore {
    public func pollTargets() async throws -> [String: UUID] {
        try await read { [logger] connection in
            let rows = try await connection.all(
                """
                SELECT DISTINCT u.login, u.id FROM users u WHERE u.id IN (
                    SELECT p.user_id FROM participants p JOIN races r ON r.id = p.race_id WHERE r.status IN ('setup', 'running')
                    UNION
                    SELECT c.user_id FROM casters c JOIN races r ON r.id = c.race_id WHERE r.status IN ('setup', 'running') AND c.present)
                """, as: (String, UUID).self, logger: logger)
            return Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Records a successful poll like the SQLite store: only the differences to live status
    /// (and so to the log), plus the poll time; wakes readers only when live status changed.
    @discardableResult
    public func recordPoll(seen: [UUID: LiveStream], at date: Date) async throws -> [LiveState] {
        try await write { [self] connection, log -> [LiveState] in
            var current: [UUID: LiveStream] = [:]
            for row in try await connection.all(
                "SELECT \(unescaped: PostgresRows.liveColumns) FROM live_status", as: PostgresRows.LiveRow.self,
                logger: logger)
            {
                current[row.0] = PostgresRows.live(row)
            }
            let changes = LiveDiff.changes(current: current, seen: seen, observedAt: date)
            let at = Timestamp.milliseconds(date)
            for change in changes {
                if let stream = change.stream {
                    try await connection.query(
                        """
                        INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at)
                        VALUES (\(change.userID), \(stream.streamID), \(stream.title), \(Timestamp.milliseconds(stream.startedAt)),
                                \(Timestamp.milliseconds(stream.observedAt)))
                        ON CONFLICT (user_id) DO UPDATE SET stream_id = excluded.stream_id, title = excluded.title,
                            started_at = excluded.started_at, observed_at = excluded.observed_at
                        """, logger: logger)
                } else {
                    try await connection.query(
                        "DELETE FROM live_status WHERE user_id = \(change.userID)", logger: logger)
                }
                try log.append(.live(change), atMs: at)
            }
            try await connection.query(
                """
                INSERT INTO meta (key, value) VALUES ('last_poll_at', \(String(at)))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: logger)
            try log.append(.poll(PollState(at: date)), atMs: at)
            log.wakesReaders = !changes.isEmpty
            return changes
        }
    }
}
