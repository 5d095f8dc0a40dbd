import Foundation
import GRDB
import RaceService

extension SQLiteHubTransaction {
    func insertToken(_ token: StoredToken, hash: Data) async throws {
        try await run { db in
            try db.execute(
                sql: "INSERT INTO tokens (hash, id, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, token.id, token.userID, token.name, token.createdAtMs])
        }
    }

    func deleteToken(id: UUID, user: UUID) async throws -> Bool {
        try await run { db in
            try db.execute(sql: "DELETE FROM tokens WHERE id = ? AND user_id = ?", arguments: [id, user])
            return db.changesCount > 0
        }
    }

    func recordTokenUse(hash: Data, atMs: Int64) async throws {
        try await run { db in
            try db.execute(sql: "UPDATE tokens SET last_used_at = ? WHERE hash = ?", arguments: [atMs, hash])
        }
    }
}
