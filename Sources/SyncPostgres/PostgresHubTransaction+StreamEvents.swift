import Foundation
import PostgresNIO
import RaceService

extension PostgresHubTransaction {
    func rememberEventMessage(_ id: String, atMs: Int64) async throws -> Bool {
        try await connection.all(
            "INSERT INTO eventsub_messages (id, received_at) VALUES (\(id), \(atMs)) ON CONFLICT DO NOTHING RETURNING id",
            as: String.self, logger: logger
        ).count > 0
    }

    func forgetEventMessages(before atMs: Int64) async throws {
        try await connection.query("DELETE FROM eventsub_messages WHERE received_at < \(atMs)", logger: logger)
    }

    func streamEventTimes() async throws -> [UUID: Int64] {
        var times: [UUID: Int64] = [:]
        for (user, sentAt) in try await connection.all(
            "SELECT user_id, sent_at FROM stream_events", as: (UUID, Int64).self, logger: logger)
        {
            times[user] = sentAt
        }
        return times
    }

    func setStreamEventTime(_ user: UUID, atMs: Int64) async throws {
        try await connection.query(
            """
            INSERT INTO stream_events (user_id, sent_at) VALUES (\(user), \(atMs))
            ON CONFLICT (user_id) DO UPDATE SET sent_at = excluded.sent_at
            """, logger: logger)
    }
}
