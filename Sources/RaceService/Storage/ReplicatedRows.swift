public import Foundation
public import SyncCore

/// The replicated state as rows, for a backend that is not SQLite to write a replica-format
/// snapshot file (the SQLite module's `SnapshotFile.write`): the same file the SQLite hub's snapshot makes.
public struct ReplicatedRows: Sendable {
    public struct UserRow: Sendable {
        public var user: User
        public var createdAtMs: Int64
        public init(user: User, createdAtMs: Int64) {
            self.user = user
            self.createdAtMs = createdAtMs
        }
    }

    public var users: [UserRow] = []
    public var races: [RaceState] = []
    public var participants: [ParticipantState] = []
    public var casters: [CasterState] = []
    public var live: [(user: UUID, stream: LiveStream)] = []
    public var lastPoll: Date?

    public init() {}
}

/// Writes a replica-format snapshot file from rows (SQLite's `SnapshotFile.write`): what a
/// backend that is not SQLite hands its rows to.
public protocol SnapshotFileWriter: Sendable {
    /// Creates a replica file at `file` holding `rows`, valid at `cursor`.
    func write(_ rows: ReplicatedRows, cursor: PullCursor, to file: String) async throws
}
