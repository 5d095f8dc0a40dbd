import Foundation
import PostgresNIO
import SyncCore
import SyncStore

extension PostgresHubStore {
    /// Creates a user and returns it with its new API token (shown once; only its hash is kept).
    public func addUser(login raw: String, displayName: String?) async throws -> (user: User, token: String) {
        let (user, token) = try NewUser.make(login: raw, displayName: displayName)
        let hash = APIToken.hash(token)
        try await write { [self] connection, log in
            if try await Self.user(connection, login: user.twitchUsername, logger: logger) != nil {
                throw UserAddError.duplicate(user.twitchUsername)
            }
            let at = now()
            try await connection.query(
                """
                INSERT INTO users (id, login, display_name, created_at)
                VALUES (\(user.id), \(user.twitchUsername), \(user.twitchDisplayName), \(at))
                """, logger: logger)
            try await connection.query(
                "INSERT INTO tokens (hash, user_id) VALUES (\(hash), \(user.id))", logger: logger)
            try log.append(.user(user), atMs: at)
        }
        return (user, token)
    }
}
