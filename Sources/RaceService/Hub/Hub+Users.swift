import Foundation
public import SyncCore

extension Hub {
    /// Creates a user and returns it with its new API token (shown once; only its hash is kept).
    public func addUser(login raw: String, displayName: String?) async throws -> (user: User, token: String) {
        let (user, token) = try NewUser.make(login: raw, displayName: displayName)
        let now = backend.clock.now
        try await backend.transaction { tx in
            if try await tx.user(login: user.twitchUsername) != nil {
                throw UserAddError.duplicate(user.twitchUsername)
            }
            let at = now()
            try await tx.insertUser(user, atMs: at)
            try await tx.insertToken(
                StoredToken(
                    id: UUID(), userID: user.id, name: StoredToken.firstTokenName, createdAtMs: at, lastUsedAtMs: nil),
                hash: APIToken.hash(token))
            try await tx.appendLog([.user(user)], atMs: at)
        }
        return (user, token)
    }
}
