import Foundation
import PostgresNIO
import RaceService
import SyncCore

extension PostgresHubTransaction {
    func updateUser(_ user: User) async throws {
        try await connection.query(
            """
            UPDATE users SET login = \(user.twitchUsername), display_name = \(user.twitchDisplayName),
                avatar_url = \(user.avatarURL)
            WHERE id = \(user.id)
            """,
            logger: logger)
    }

    func user(twitchID: String) async throws -> User? {
        try await connection.all(
            "SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE twitch_id = \(twitchID)",
            as: PostgresRows.UserRow.self, logger: logger
        ).first.map(PostgresRows.user)
    }

    func twitchID(of user: UUID) async throws -> String? {
        try await connection.all(
            "SELECT twitch_id FROM users WHERE id = \(user)", as: String?.self, logger: logger
        ).first ?? nil
    }

    func linkTwitchID(_ twitchID: String, to user: UUID) async throws {
        try await connection.query("UPDATE users SET twitch_id = \(twitchID) WHERE id = \(user)", logger: logger)
    }
}

extension PostgresHubTransaction {
    func loginsWithStaleProfiles(_ logins: [String], checkedBefore: Int64) async throws -> [String] {
        try await connection.all(
            """
            SELECT login FROM users WHERE login = ANY(\(logins))
            AND (twitch_checked_at IS NULL OR twitch_checked_at < \(checkedBefore)) ORDER BY login COLLATE "C"
            """, as: String.self, logger: logger)
    }

    func markProfilesChecked(_ logins: [String], atMs: Int64) async throws {
        try await connection.query(
            "UPDATE users SET twitch_checked_at = \(atMs) WHERE login = ANY(\(logins))", logger: logger)
    }
}
