public import Foundation

/// What the Twitch poller needs of the hub: the seam between them (the hub's use cases
/// implement it on any database). The poller never sees a database, and the hub never sees
/// Twitch's types.
public protocol LiveStatusStore: Sendable {
    /// Lowercase logins of the participants and casters of setup/running races, with their user ids.
    func pollTargets() async throws -> [String: UUID]
    /// Writes one successful poll's result: only the differences, plus the poll's time. Users
    /// Twitch pushed news about after `startedAt` keep that newer news.
    /// Users in `skipped` were not asked this time (Twitch pushes their news): left as they are.
    @discardableResult
    func recordPoll(seen: [UUID: LiveStream], at date: Date, startedAt: Date, skipped: Set<UUID>) async throws
        -> [LiveState]
}

extension LiveStatusStore {
    /// A poll that took no time and asked about everyone.
    @discardableResult
    public func recordPoll(seen: [UUID: LiveStream], at date: Date) async throws -> [LiveState] {
        try await recordPoll(seen: seen, at: date, startedAt: date, skipped: [])
    }

    /// A poll that asked about everyone.
    @discardableResult
    public func recordPoll(seen: [UUID: LiveStream], at date: Date, startedAt: Date) async throws -> [LiveState] {
        try await recordPoll(seen: seen, at: date, startedAt: startedAt, skipped: [])
    }
}
