import Foundation
import GRDB
import RaceService

extension SQLiteHubTransaction {
    func rememberEventMessage(_ id: String, atMs: Int64) async throws -> Bool {
        try await run { db in
            try db.execute(
                sql: "INSERT INTO eventsub_messages (id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [id, atMs])
            return db.changesCount > 0
        }
    }

    func forgetEventMessages(before atMs: Int64) async throws {
        try await run { db in
            try db.execute(sql: "DELETE FROM eventsub_messages WHERE received_at < ?", arguments: [atMs])
        }
    }

    func streamEventTimes() async throws -> [UUID: Int64] {
        try await run { db in
            var times: [UUID: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT user_id, sent_at FROM stream_events") {
                times[row["user_id"]] = row["sent_at"]
            }
            return times
        }
    }

    func setStreamEventTime(_ user: UUID, atMs: Int64) async throws {
        try await run { db in
            try db.execute(
                sql: """
                    INSERT INTO stream_events (user_id, sent_at) VALUES (?, ?)
                    ON CONFLICT(user_id) DO UPDATE SET sent_at = excluded.sent_at
                    """, arguments: [user, atMs])
        }
    }
}
