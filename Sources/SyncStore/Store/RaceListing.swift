import Foundation
import GRDB
import RaceService
import SyncCore

/// The race list (`RaceSummary`), newest first, in one query.
enum RaceListing {
    static func summaries(_ db: Database, status: RaceStatus?) throws -> [RaceSummary] {
        try page(db, status: status, before: nil, limit: nil).races
    }

    /// The newest races of each active status, for the front page.
    static func newestActive(_ db: Database) throws -> [[RaceSummary]] {
        try RaceStatus.allCases.filter(\.isActive).map {
            try page(db, status: $0, before: nil, limit: FrontPageData.maxRaces).races
        }
    }

    /// Up to `limit` races (all when nil) after `before`, with the cursor of the next page.
    static func page(_ db: Database, status: RaceStatus?, before: RaceListCursor?, limit: Int?) throws -> RaceListPage {
        let rows = try Row.fetchAll(try statement(db, status: status, before: before, limit: limit.map { $0 + 1 }))
        let more = limit.map { rows.count > $0 } ?? false
        let shown = more ? Array(rows.dropLast()) : rows
        let races = try shown.map(summary)
        let next = more ? shown.last.map { RaceListCursor(createdAtMs: $0[3], createdSeq: $0[10]) } : nil
        return RaceListPage(races: races, next: next)
    }

    /// Every race (of `status`, when given), newest first, one at a time from a cursor: the
    /// listing is never held whole (`racecli races --json` streams it).
    static func forEach(_ db: Database, status: RaceStatus?, _ body: (RaceSummary) throws -> Void) throws {
        let rows = try Row.fetchCursor(try statement(db, status: status, before: nil, limit: nil))
        while let row = try rows.next() { try body(try summary(row)) }
    }

    /// The listing's query: races with their organizer and both counts, newest first.
    private static func statement(_ db: Database, status: RaceStatus?, before: RaceListCursor?, limit: Int?) throws
        -> Statement
    {
        var filters: [String] = []
        var arguments: StatementArguments = []
        if let status {
            filters.append("r.status = ?")
            arguments += [status.rawValue]
        }
        if let before {
            filters.append("(r.created_at, r.created_seq) < (?, ?)")
            arguments += [before.createdAtMs, before.createdSeq]
        }
        var limitClause = ""
        if let limit {
            limitClause = "LIMIT ?"
            arguments += [limit]
        }
        let statement = try db.makeStatement(
            sql: """
                SELECT r.id, r.name, r.status, r.created_at,
                       u.id AS o_id, u.login AS o_login, u.display_name AS o_display_name,
                       (SELECT count(*) FROM participants p WHERE p.race_id = r.id) AS participant_count,
                       (SELECT count(*) FROM casters c WHERE c.race_id = r.id AND c.present) AS caster_count,
                       r.organizer_id, r.created_seq, u.twitch_id, u.avatar_url
                FROM races r LEFT JOIN users u ON u.id = r.organizer_id
                \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                ORDER BY r.created_at DESC, r.created_seq DESC
                \(limitClause)
                """)
        statement.arguments = arguments
        return statement
    }

    /// A row of `statement` as a summary. Columns by position: name lookups were a measurable
    /// share of a 10k-race listing.
    private static func summary(_ row: Row) throws -> RaceSummary {
        let raceID: UUID = row[0]
        let organizer: User =
            row.hasNull(atIndex: 4)
            ? User(id: row[9], twitchUsername: "unknown", twitchDisplayName: nil)
            : User(
                id: row[4], twitchUsername: row[5], twitchDisplayName: row[6], twitchUserID: row[11],
                avatarURL: row[12])
        guard let status = RaceStatus(rawValue: row[2]) else {
            throw StoreRowError(
                table: "races", id: raceID, reason: "status '\(row[2] as String)' is not one RaceSync knows")
        }
        return RaceSummary(
            id: raceID, name: row[1], status: status,
            organizer: organizer, participantCount: row[7], casterCount: row[8],
            createdAt: Timestamp.date(milliseconds: row[3]))
    }
}
