import Foundation

/// What the Twitch poller needs of the hub's store: the seam between them. Async like
/// `HubStorage` (the SQLite hub runs these on its store threads); the poller never sees SQLite,
/// and the store never sees Twitch's types.
public protocol LiveStatusStore: Sendable {
    /// Lowercase logins of the participants and casters of setup/running races, with their user ids.
    func pollTargets() async throws -> [String: UUID]
    /// Writes one successful poll's result: only the differences, plus the poll's time.
    @discardableResult
    func recordPoll(seen: [UUID: LiveStream], at date: Date) async throws -> [LiveState]
}
