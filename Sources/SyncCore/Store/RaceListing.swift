import Foundation
import GRDB

/// The race list (`RaceSummary`), newest first, in one query.
enum RaceListing {
    static func summaries(_ db: Database, status: RaceStatus?) throws -> [RaceSummary] {
        let filter = status == nil ? "" : "WHERE r.status = ?"
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT r.id, r.name, r.status, r.created_at,
                       u.id AS o_id, u.login AS o_login, u.display_name AS o_display_name,
                       (SELECT count(*) FROM participants p WHERE p.race_id = r.id) AS participant_count,
                       (SELECT count(*) FROM casters c WHERE c.race_id = r.id AND c.present) AS caster_count
                FROM races r LEFT JOIN users u ON u.id = r.organizer_id
                \(filter)
                ORDER BY r.created_at DESC, r.created_seq DESC
                """,
            arguments: status.map { [$0.rawValue] } ?? [])
        return rows.map { row in
            let organizer: User =
                row["o_id"] == nil
                ? User(id: row["id"], twitchUsername: "unknown", twitchDisplayName: nil)
                : StateQueries.user(row, prefix: "o_")
            return RaceSummary(
                id: row["id"], name: row["name"], status: RaceStatus(rawValue: row["status"]) ?? .finished,
                organizer: organizer, participantCount: row["participant_count"], casterCount: row["caster_count"],
                createdAt: Timestamp.date(milliseconds: row["created_at"]))
        }
    }
}
