public import Foundation
public import SyncCore

extension Hub: LiveStatusStore {
    /// Lowercase logins of the participants and casters of setup/running races, with their ids.
    public func pollTargets() async throws -> [String: UUID] { try await backend.pollTargets() }

    /// Records a successful poll: writes only the differences to live status (and so to the
    /// change log) plus the poll time (one singleton log row, replaced each time), in one
    /// transaction. Returns the changes written. A poll that changed nothing wakes no long-poll
    /// and leaves cached feeds valid: only the time of the last poll moved.
    @discardableResult
    public func recordPoll(seen: [UUID: LiveStream], at date: Date, startedAt: Date, skipped: Set<UUID>)
        async throws -> [LiveState]
    {
        try await backend.transaction { tx in
            let pushed = try await tx.streamEventTimes()
            let settled = Set(pushed.filter { $0.value > Timestamp.milliseconds(startedAt) }.keys).union(skipped)
            let changes = LiveDiff.changes(
                current: try await tx.liveStatus(), seen: seen, observedAt: date, settled: settled)
            let at = Timestamp.milliseconds(date)
            try await tx.setLive(changes)
            try await tx.setLastPoll(date)
            try await tx.appendLog(
                changes.map(ChangeData.live) + [.poll(PollState(at: date))], atMs: at, wakesReaders: !changes.isEmpty)
            return changes
        }
    }
}
