public import Foundation
import GRDB
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

    /// The user with this login, or nil.
    public func user(login: String) throws -> User? {
        try read { db in try StateQueries.user(db, login: login) }
    }
}
