import Foundation
import GRDB
import RaceService
import SyncCore

extension SQLiteHubTransaction {
    func updateUser(_ user: User) async throws {
        try await run { db in
            try db.execute(
                sql: "UPDATE users SET login = ?, display_name = ?, avatar_url = ? WHERE id = ?",
                arguments: [user.twitchUsername, user.twitchDisplayName, user.avatarURL, user.id])
        }
    }

    func user(twitchID: String) async throws -> User? {
        try await run { db in
            guard let id = try UUID.fetchOne(db, sql: "SELECT id FROM users WHERE twitch_id = ?", arguments: [twitchID])
            else { return nil }
            return try StateQueries.user(db, id: id)
        }
    }

    func twitchID(of user: UUID) async throws -> String? {
        try await run { db in
            try String.fetchOne(db, sql: "SELECT twitch_id FROM users WHERE id = ?", arguments: [user])
        }
    }

    func linkTwitchID(_ twitchID: String, to user: UUID) async throws {
        try await run { db in
            try db.execute(sql: "UPDATE users SET twitch_id = ? WHERE id = ?", arguments: [twitchID, user])
        }
    }
}

extension SQLiteHubTransaction {
    func loginsWithStaleProfiles(_ logins: [String], checkedBefore: Int64) async throws -> [String] {
        try await run { db in
            var stale: [String] = []
            for start in stride(from: 0, to: logins.count, by: 500) {
                let chunk = Array(logins[start..<min(start + 500, logins.count)])
                stale += try String.fetchAll(
                    db,
                    sql: """
                        SELECT login FROM users WHERE login IN (\(databaseQuestionMarks(count: chunk.count)))
                        AND (twitch_checked_at IS NULL OR twitch_checked_at < ?) ORDER BY login
                        """, arguments: StatementArguments(chunk) + [checkedBefore])
            }
            return stale
        }
    }

    func markProfilesChecked(_ logins: [String], atMs: Int64) async throws {
        try await run { db in
            for start in stride(from: 0, to: logins.count, by: 500) {
                let chunk = Array(logins[start..<min(start + 500, logins.count)])
                try db.execute(
                    sql:
                        "UPDATE users SET twitch_checked_at = ? WHERE login IN (\(databaseQuestionMarks(count: chunk.count)))",
                    arguments: [atMs] + StatementArguments(chunk))
            }
        }
    }
}
