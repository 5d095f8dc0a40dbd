import Foundation
import GRDB
import RaceService
import SyncCore

extension SQLiteHubTransaction {
    func updateUser(_ user: User) async throws {
        try await run { db in
            try db.execute(
                sql: "UPDATE users SET login = ?, display_name = ? WHERE id = ?",
                arguments: [user.twitchUsername, user.twitchDisplayName, user.id])
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
