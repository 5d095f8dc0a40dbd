public import Foundation
import GRDB
public import RaceService
public import SyncCore

extension HubStore {
    /// Every user, by login (never tokens).
    public func users() throws -> [User] {
        try read { db in try StateQueries.users(db) }
    }

    /// The user whose API token hashes to `hash`, or nil.
    public func user(tokenHash hash: Data) throws -> User? {
        try read { db in
            guard
                let id = try UUID.fetchOne(
                    db.cachedStatement(sql: "SELECT user_id FROM tokens WHERE hash = ?"), arguments: [hash])
            else { return nil }
            return try StateQueries.user(db, id: id)
        }
    }

    /// The session whose id hashes to `hash`, ended or not.
    public func session(hash: Data) throws -> StoredSession? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT user_id, expires_at FROM sessions WHERE hash = ?"),
                    arguments: [hash]),
                let user = try StateQueries.user(db, id: row["user_id"])
            else { return nil }
            return StoredSession(user: user, expiresAtMs: row["expires_at"])
        }
    }

    /// The user with this login, or nil.
    public func user(login: String) throws -> User? {
        try read { db in try StateQueries.user(db, login: login) }
    }
}
