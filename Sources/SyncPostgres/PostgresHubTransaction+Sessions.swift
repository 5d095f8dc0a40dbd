import Foundation
import PostgresNIO
import RaceService

extension PostgresHubTransaction {
    func insertSession(hash: Data, user: UUID, atMs: Int64, expiresAtMs: Int64) async throws {
        try await connection.query(
            "INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (\(hash), \(user), \(atMs), \(expiresAtMs))",
            logger: logger)
    }

    func extendSession(hash: Data, expiresAtMs: Int64) async throws {
        try await connection.query(
            "UPDATE sessions SET expires_at = greatest(expires_at, \(expiresAtMs)) WHERE hash = \(hash)", logger: logger
        )
    }

    func deleteSession(hash: Data) async throws {
        try await connection.query("DELETE FROM sessions WHERE hash = \(hash)", logger: logger)
    }

    func deleteSessions(of user: UUID) async throws {
        try await connection.query("DELETE FROM sessions WHERE user_id = \(user)", logger: logger)
    }

    func deleteSessions(endedBy nowMs: Int64) async throws {
        try await connection.query("DELETE FROM sessions WHERE expires_at <= \(nowMs)", logger: logger)
    }
}
