public import Foundation

/// What the poller needs to keep Twitch profiles (`GET /users`) of the users it polls: which
/// logins are due for a refresh, and where to record what Twitch said.
public protocol TwitchProfileStore: Sendable {
    /// Among `logins`, those whose profile was never asked or was asked more than a day before `date`.
    func loginsNeedingProfiles(_ logins: [String], at date: Date) async throws -> [String]
    /// Records Twitch's answer about `asked` (the logins it does not know have no profile),
    /// at `date`; returns how many users changed.
    @discardableResult
    func recordProfiles(_ profiles: [TwitchProfile], asked: [String], at date: Date) async throws -> Int
    /// The Twitch user ids known for `logins`, by login.
    func twitchIDs(logins: [String]) async throws -> [String: String]
}
