import Foundation
import GRDB
import SyncCore

/// Why `syncd user add` refused.
public enum UserAddError: Error, CustomStringConvertible, Equatable {
    case invalidLogin(String, TwitchLogin.Invalid)
    case invalidDisplayName(DisplayText.Invalid)
    case duplicate(String)

    public var description: String {
        switch self {
        case .invalidLogin(let raw, let why): return "invalid login '\(DisplayText.terminalSafe(raw))': \(why)"
        case .invalidDisplayName(let why): return "invalid display name: it \(why)"
        case .duplicate(let login): return "a user with login '\(login)' already exists"
        }
    }
}

/// A new user's checks, shared by every hub backend.
public enum NewUser {
    /// Validates the login and display name, and makes the user with a new API token.
    public static func make(login raw: String, displayName: String?) throws(UserAddError) -> (user: User, token: String)
    {
        let login: TwitchLogin
        do { login = try TwitchLogin(raw) } catch { throw UserAddError.invalidLogin(raw, error) }
        var displayName = displayName
        if let raw = displayName {
            switch User.validatedDisplayName(raw) {
            case .success(let valid): displayName = valid
            case .failure(let why): throw UserAddError.invalidDisplayName(why)
            }
        }
        return (User(id: UUID(), twitchUsername: login.value, twitchDisplayName: displayName), APIToken.generate())
    }
}

extension HubStore {
    /// Creates a user and returns it with its new API token (shown once; only its hash is kept).
    public func addUser(login raw: String, displayName: String?) throws -> (user: User, token: String) {
        let (user, token) = try NewUser.make(login: raw, displayName: displayName)
        let login = user.twitchUsername
        try write { db in
            if try StateQueries.user(db, login: login) != nil { throw UserAddError.duplicate(login) }
            let at = now()
            try db.execute(
                sql: "INSERT INTO users (id, login, display_name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [user.id, user.twitchUsername, user.twitchDisplayName, at])
            try db.execute(
                sql: "INSERT INTO tokens (hash, user_id) VALUES (?, ?)", arguments: [APIToken.hash(token), user.id])
            try ChangeLog.append(db, .user(user), atMs: at)
        }
        return (user, token)
    }

    /// Every user, by login (never tokens).
    public func users() throws -> [User] {
        try read { db in try StateQueries.users(db) }
    }

    /// The user a bearer token belongs to, or nil.
    public func user(token: String) throws -> User? {
        guard APIToken.isWellFormed(token) else { return nil }
        return try read { db in
            guard
                let id = try UUID.fetchOne(
                    db.cachedStatement(sql: "SELECT user_id FROM tokens WHERE hash = ?"),
                    arguments: [APIToken.hash(token)])
            else { return nil }
            return try StateQueries.user(db, id: id)
        }
    }

    /// The user with this login, or nil.
    public func user(login: String) throws -> User? {
        try read { db in try StateQueries.user(db, login: login) }
    }
}
