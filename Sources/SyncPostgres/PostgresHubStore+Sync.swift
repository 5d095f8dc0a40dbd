import Foundation
import PostgresNIO
public import RaceService
public import SyncCore

extension PostgresHubStore {
    /// The change log after `since`, at most `limit` entries, read in one snapshot with the
    /// head. Log appends commit in seq order (see the type's doc), so the snapshot holds every
    /// change up to the head and `seq > cursor` skips nothing. A cursor of another store, or
    /// past the head, answers `reset`; pages end as `PullBatch.page` says.
    public func pull(since: PullCursor?, limit: Int) async throws -> PullBatch {
        try await read { [storeID, logger] connection in
            let last = try await Self.head(connection, logger: logger)
            if let since, since.storeID != storeID || since.seq > last {
                return PullBatch.reset(storeID: storeID, head: last)
            }
            let after = since?.seq ?? 0
            let rows = try await PostgresRowLog.entries(connection, after: after, limit: limit, logger: logger)
            return PullBatch.page(rows, storeID: storeID, after: after, head: last, limit: limit)
        }
    }

    /// A replica-format snapshot of the replicated state, read in one snapshot with the head
    /// it is valid at, written to `file` by the replica-file writer the store was opened with.
    public func writeSnapshot(to file: String) async throws -> PullCursor {
        let (rows, cursor) = try await read { [storeID, logger] connection -> (ReplicatedRows, PullCursor) in
            var rows = ReplicatedRows()
            let cursor = PullCursor(storeID: storeID, seq: try await Self.head(connection, logger: logger))
            rows.users = try await connection.all(
                "SELECT \(unescaped: PostgresRows.userColumns), created_at FROM users",
                as: (UUID, String, String?, String?, String?, Int64).self, logger: logger
            ).map { id, login, displayName, twitchID, avatarURL, createdMs in
                ReplicatedRows.UserRow(
                    user: PostgresRows.user((id, login, displayName, twitchID, avatarURL)), createdAtMs: createdMs)
            }
            rows.races = try await connection.all(
                "SELECT \(unescaped: PostgresRows.raceColumns) FROM races r", as: PostgresRows.RaceRow.self,
                logger: logger
            )
            .map(PostgresRows.race)
            rows.participants = try await connection.all(
                "SELECT race_id, user_id FROM participants", as: (UUID, UUID).self, logger: logger
            )
            .map { raceID, userID in ParticipantState(raceID: raceID, userID: userID) }
            rows.casters = try await connection.all(
                "SELECT \(unescaped: PostgresRows.registerColumns) FROM casters c", as: PostgresRows.RegisterRow.self,
                logger: logger
            ).map(PostgresRows.register)
            rows.live = try await connection.all(
                "SELECT \(unescaped: PostgresRows.liveColumns) FROM live_status", as: PostgresRows.LiveRow.self,
                logger: logger
            )
            .map(PostgresRows.live)
            rows.lastPoll = try await LoadedState.lastPoll(connection, logger: logger)
            return (rows, cursor)
        }
        guard let snapshotFiles else { throw StoreUnavailable("this hub was started without a snapshot file writer") }
        try await snapshotFiles.write(rows, cursor: cursor, to: file)
        return cursor
    }
}
