public import Foundation
public import SyncCore

extension Hub {
    /// The user a bearer token belongs to, or nil (a malformed token is never looked up). The
    /// token's use is recorded at most hourly (so requests do not each write), and a store that
    /// cannot write right now does not stop the request.
    public func user(token: String) async throws -> User? {
        guard APIToken.isWellFormed(token) else { return nil }
        let hash = APIToken.hash(token)
        guard let (user, stored) = try await backend.token(hash: hash) else { return nil }
        let now = backend.clock.now()
        if stored.lastUsedAtMs.map({ now - $0 > StoredToken.useRecordedAfterMs }) ?? true {
            try? await backend.transaction { tx in try await tx.recordTokenUse(hash: hash, atMs: now) }
        }
        return user
    }

    /// `user`'s API tokens, newest first (never the secrets).
    public func tokens(of user: UUID) async throws -> [StoredToken] { try await backend.tokens(of: user) }

    /// Makes a new API token for `user`; the secret is returned once and only its hash is kept.
    public func createToken(for user: UUID, name: String) async throws -> (token: StoredToken, secret: String) {
        let secret = APIToken.generate()
        let at = backend.clock.now()
        let token = StoredToken(
            id: UUID(), userID: user, name: StoredToken.cleanName(name), createdAtMs: at, lastUsedAtMs: nil)
        try await backend.transaction { tx in try await tx.insertToken(token, hash: APIToken.hash(secret)) }
        return (token, secret)
    }

    /// Revokes `user`'s token `id`; false when they have no such token (another user's included).
    public func revokeToken(_ id: UUID, of user: UUID) async throws -> Bool {
        try await backend.transaction { tx in try await tx.deleteToken(id: id, user: user) }
    }
}
