import Foundation
import GRDB
public import RaceService
public import SyncCore

/// Writes replica-format snapshot files from rows.
public enum SnapshotFile {
    /// Creates a replica-format SQLite file at `file` holding `rows`, valid at `cursor`, in one
    /// transaction, its WAL checkpointed into the main file (the main file alone is the snapshot).
    public static func write(_ rows: ReplicatedRows, cursor: PullCursor, to file: String) throws {
        let target = try StoreOpener.open(path: file, kind: .replica)
        defer { try? target.close() }
        try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
        try target.write { db in
            for row in rows.users {
                try db.cachedStatement(
                    sql:
                        "INSERT INTO users (id, login, display_name, twitch_id, avatar_url, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                )
                .execute(arguments: [
                    row.user.id, row.user.twitchUsername, row.user.twitchDisplayName, row.user.twitchUserID,
                    row.user.avatarURL, row.createdAtMs,
                ])
            }
            for state in rows.races {
                let race = state.race
                try db.cachedStatement(
                    sql: """
                        INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    race.id, state.createdSeq, race.name, race.status.rawValue, race.seedsReleased, race.organizerID,
                    Timestamp.milliseconds(race.createdAt), Timestamp.milliseconds(race.updatedAt),
                ])
            }
            for member in rows.participants {
                try db.cachedStatement(sql: "INSERT INTO participants (race_id, user_id) VALUES (?, ?)").execute(
                    arguments: [member.raceID, member.userID])
            }
            for caster in rows.casters {
                try StateQueries.writeRegister(
                    db, race: caster.raceID, user: caster.userID, caster.register, onlyForward: false)
            }
            for (user, stream) in rows.live {
                try StateQueries.setLive(db, LiveState(userID: user, stream: stream))
            }
            try Meta.set(db, "snapshot_cursor", cursor.text)
            if let lastPoll = rows.lastPoll { try Meta.setDate(db, "last_poll_at", lastPoll) }
        }
        try target.writeWithoutTransaction { db in _ = try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

/// `SnapshotFile.write` as a `SnapshotFileWriter`, run off the cooperative pool.
public struct ReplicaSnapshotWriter: SnapshotFileWriter {
    public init() {}

    public func write(_ rows: ReplicatedRows, cursor: PullCursor, to file: String) async throws {
        try await Offload.hub.run { try SnapshotFile.write(rows, cursor: cursor, to: file) }
    }
}
