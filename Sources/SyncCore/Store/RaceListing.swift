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
        // Columns by position: name lookups were a measurable share of a 10k-race listing.
        return rows.map { row in
            let raceID: UUID = row[0]
            let organizer: User =
                row.hasNull(atIndex: 4)
                ? User(id: raceID, twitchUsername: "unknown", twitchDisplayName: nil)
                : User(id: row[4], twitchUsername: row[5], twitchDisplayName: row[6])
            return RaceSummary(
                id: raceID, name: row[1], status: RaceStatus(rawValue: row[2]) ?? .finished,
                organizer: organizer, participantCount: row[7], casterCount: row[8],
                createdAt: Timestamp.date(milliseconds: row[3]))
        }
    }
}
