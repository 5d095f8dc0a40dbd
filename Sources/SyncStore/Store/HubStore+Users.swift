public import Foundation
import GRDB
public import RaceService
public import SyncCore

extension HubStore {
    /// Every user, by login (never tokens).
    public func users() throws -> [User] {
        try read { db in try StateQueries.users(db) }
    }

    /// At most `limit` users whose login starts with `prefix`, by login (a range on the login
    /// index: every login character sorts below U+007F).
    public func users(loginPrefix prefix: String, limit: Int) throws -> [User] {
        try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(StateQueries.userColumns) FROM users WHERE login >= ? AND login < ? ORDER BY login LIMIT ?",
                arguments: [prefix, prefix + "\u{7F}", limit]
            ).map { StateQueries.user($0) }
        }
    }

    /// The token that hashes to `hash`, and its user; nil when there is none.
    public func token(hash: Data) throws -> (user: User, token: StoredToken)? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT \(Self.tokenColumns) FROM tokens WHERE hash = ?"), arguments: [hash]
                ),
                let user = try StateQueries.user(db, id: row["user_id"])
            else { return nil }
            return (user, Self.storedToken(row))
        }
    }

    /// `user`'s API tokens, newest first.
    public func tokens(of user: UUID) throws -> [StoredToken] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.tokenColumns) FROM tokens WHERE user_id = ? ORDER BY created_at DESC, name",
                arguments: [user]
            ).map(Self.storedToken)
        }
    }

    static let tokenColumns = "id, user_id, name, created_at, last_used_at"

    static func storedToken(_ row: Row) -> StoredToken {
        StoredToken(
            id: row["id"], userID: row["user_id"], name: row["name"], createdAtMs: row["created_at"],
            lastUsedAtMs: row["last_used_at"])
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
