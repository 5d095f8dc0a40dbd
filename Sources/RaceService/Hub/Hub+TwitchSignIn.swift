public import Foundation
public import SyncCore

/// Why a Twitch account cannot be linked to a RaceSync user.
public enum TwitchLinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The login is held by a user linked to another Twitch account (the login changed hands).
    case loginHeldByAnotherAccount(String)

    public var description: String {
        switch self {
        case .loginHeldByAnotherAccount(let login):
            "the RaceSync user '\(login)' belongs to another Twitch account; ask the hub's admin to sort it out"
        }
    }
}

extension Hub {
    /// The RaceSync user a Twitch account signs in as: the one linked to its Twitch user id;
    /// else, the first time, the one with its login (then linked: `syncd user add alice` *is*
    /// Twitch's alice); else a new user. A login renamed on Twitch renames the user (and the
    /// change reaches every replica).
    public func user(signingInAs account: TwitchAccount) async throws -> User {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            var found = try await tx.user(twitchID: account.userID)
            if found == nil, let named = try await tx.user(login: account.login) {
                guard try await tx.twitchID(of: named.id) == nil else {
                    throw TwitchLinkError.loginHeldByAnotherAccount(account.login)
                }
                try await tx.linkTwitchID(account.userID, to: named.id)
                found = named
            }
            guard let user = found else {
                let user = User(
                    id: UUID(), twitchUsername: account.login, twitchDisplayName: account.displayName,
                    twitchUserID: account.userID)
                let at = now()
                try await tx.insertUser(user, atMs: at)
                try await tx.linkTwitchID(account.userID, to: user.id)
                try await tx.appendLog([.user(user)], atMs: at)
                return user
            }
            // Twitch's login, display name and id win (a rename reaches every replica).
            var current = user
            current.twitchUsername = account.login
            current.twitchDisplayName = account.displayName ?? user.twitchDisplayName
            current.twitchUserID = account.userID
            guard current != user else { return user }
            if current.twitchUsername != user.twitchUsername, let holder = try await tx.user(login: account.login),
                holder.id != user.id
            {
                throw TwitchLinkError.loginHeldByAnotherAccount(account.login)
            }
            try await tx.updateUser(current)
            try await tx.appendLog([.user(current)], atMs: now())
            return current
        }
    }
}
