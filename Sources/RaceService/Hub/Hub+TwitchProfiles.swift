public import Foundation
public import SyncCore

extension Hub: TwitchProfileStore {
    /// A profile is asked again after this long.
    public static let profileLifetimeMs: Int64 = 24 * 3600 * 1000

    public func twitchIDs(logins: [String]) async throws -> [String: String] {
        let wanted = Set(logins.map { $0.lowercased() })
        var ids: [String: String] = [:]
        for user in try await backend.users() where wanted.contains(user.twitchUsername) {
            if let id = user.twitchUserID { ids[user.twitchUsername] = id }
        }
        return ids
    }

    public func loginsNeedingProfiles(_ logins: [String], at date: Date) async throws -> [String] {
        guard !logins.isEmpty else { return [] }
        let before = Timestamp.milliseconds(date) - Self.profileLifetimeMs
        return try await backend.transaction { tx in
            try await tx.loginsWithStaleProfiles(logins.map { $0.lowercased() }, checkedBefore: before)
        }
    }

    /// Links each user to their Twitch id (unless the login now belongs to another Twitch account,
    /// or that account is already another user's), and takes Twitch's display name and profile
    /// image; changed users are logged, so replicas see them.
    @discardableResult
    public func recordProfiles(_ profiles: [TwitchProfile], asked: [String], at date: Date) async throws -> Int {
        let at = Timestamp.milliseconds(date)
        return try await backend.transaction { tx in
            var changed: [ChangeData] = []
            for profile in profiles {
                guard let user = try await tx.user(login: profile.login) else { continue }
                if let linked = user.twitchUserID {
                    guard linked == profile.userID else { continue }
                } else {
                    guard try await tx.user(twitchID: profile.userID) == nil else { continue }
                    try await tx.linkTwitchID(profile.userID, to: user.id)
                }
                var updated = user
                updated.twitchUserID = profile.userID
                updated.avatarURL = profile.avatarURL
                updated.twitchDisplayName = profile.displayName ?? user.twitchDisplayName
                guard updated != user else { continue }
                try await tx.updateUser(updated)
                changed.append(.user(updated))
            }
            try await tx.markProfilesChecked(asked.map { $0.lowercased() }, atMs: at)
            if !changed.isEmpty { try await tx.appendLog(changed, atMs: at) }
            return changed.count
        }
    }
}
