public import Foundation
public import SyncCore

extension Hub {
    /// Opens a session for `user` and returns its id (for the cookie; only its hash is kept).
    /// Sessions that have ended are swept in the same transaction, so the table never grows
    /// with abandoned browsers.
    public func openSession(for user: User) async throws -> String {
        let id = WebSession.newID()
        let now = backend.clock.now
        try await backend.transaction { tx in
            let at = now()
            try await tx.deleteSessions(endedBy: at)
            try await tx.insertSession(
                hash: WebSession.hash(id), user: user.id, atMs: at, expiresAtMs: at + WebSession.lifetimeMs)
        }
        return id
    }

    /// The user signed in with session `id`, or nil (unknown, ended, or not a session id).
    /// A session in use is extended to 30 days from now, at most once a day.
    public func signedIn(session id: String) async throws -> SignedIn? {
        guard WebSession.isWellFormed(id) else { return nil }
        let hash = WebSession.hash(id)
        guard let stored = try await backend.session(hash: hash) else { return nil }
        let now = backend.clock.now()
        guard stored.expiresAtMs > now else { return nil }
        let extended = now + WebSession.lifetimeMs
        if extended - stored.expiresAtMs > WebSession.extendAfterMs {
            try await backend.transaction { tx in try await tx.extendSession(hash: hash, expiresAtMs: extended) }
        }
        return SignedIn(user: stored.user, sessionID: id)
    }

    /// Ends session `id` (signing out on this browser).
    public func closeSession(_ id: String) async throws {
        guard WebSession.isWellFormed(id) else { return }
        try await backend.transaction { tx in try await tx.deleteSession(hash: WebSession.hash(id)) }
    }

    /// Ends every session of `user`, on every hub instance sharing the store.
    public func closeSessions(of user: UUID) async throws {
        try await backend.transaction { tx in try await tx.deleteSessions(of: user) }
    }
}
