import Foundation
import GRDB
import RaceService

extension SQLiteHubTransaction {
    func insertSession(hash: Data, user: UUID, atMs: Int64, expiresAtMs: Int64) async throws {
        try await run { db in
            try db.execute(
                sql: "INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [hash, user, atMs, expiresAtMs])
        }
    }

    func extendSession(hash: Data, expiresAtMs: Int64) async throws {
        try await run { db in
            try db.execute(
                sql: "UPDATE sessions SET expires_at = max(expires_at, ?) WHERE hash = ?",
                arguments: [expiresAtMs, hash])
        }
    }

    func deleteSession(hash: Data) async throws {
        try await run { db in try db.execute(sql: "DELETE FROM sessions WHERE hash = ?", arguments: [hash]) }
    }

    func deleteSessions(of user: UUID) async throws {
        try await run { db in try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [user]) }
    }

    func deleteSessions(endedBy nowMs: Int64) async throws {
        try await run { db in try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [nowMs]) }
    }
}
