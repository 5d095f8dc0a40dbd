import Foundation
import PostgresNIO
import RaceService

extension PostgresHubTransaction {
    func insertToken(_ token: StoredToken, hash: Data) async throws {
        try await connection.query(
            """
            INSERT INTO tokens (hash, id, user_id, name, created_at)
            VALUES (\(hash), \(token.id), \(token.userID), \(token.name), \(token.createdAtMs))
            """, logger: logger)
    }

    func deleteToken(id: UUID, user: UUID) async throws -> Bool {
        try await connection.all(
            "DELETE FROM tokens WHERE id = \(id) AND user_id = \(user) RETURNING id", as: UUID.self, logger: logger
        ).count > 0
    }

    func recordTokenUse(hash: Data, atMs: Int64) async throws {
        try await connection.query("UPDATE tokens SET last_used_at = \(atMs) WHERE hash = \(hash)", logger: logger)
    }
}
