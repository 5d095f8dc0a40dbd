public import Foundation
import GRDB
import RaceService
public import SyncCore

/// One of the user's own writes that lost to someone else's, or was overwritten by someone
/// else afterwards: what, when, and by whom (`racecli status`, `"overridden"` in `--json`).
public struct OverriddenOp: Sendable, Equatable {
    public var opID: UUID
    public var kind: OpKind
    public var raceID: UUID
    /// The caster whose membership the write was about.
    public var userID: UUID
    /// When the user's write was made (its HLC wall time).
    public var at: Date
    public var by: User
    public var byKind: OpKind
    /// When the winning write was made (its HLC wall time).
    public var byAt: Date
}

extension ReplicaStore {
    /// The longest history of overridden writes a replica keeps (the newest).
    public static let maxOverridden = 100

    /// Records that the user's write `opID` lost to, or was overwritten by, `winner`'s write.
    /// Kept bounded to the newest `maxOverridden`.
    static func recordOverridden(
        _ db: Database, opID: UUID, kind: OpKind, race: UUID, user: UUID, at: Int64, by winner: User, byKind: OpKind,
        byAt: Int64, now: Int64
    ) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO overridden (op_id, kind, race_id, user_id, at, by_id, by_login, by_display_name, by_kind, by_at, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                opID, kind.rawValue, race, user, at, winner.id, winner.twitchUsername, winner.twitchDisplayName,
                byKind.rawValue, byAt, now,
            ])
        try db.execute(
            sql:
                "DELETE FROM overridden WHERE op_id NOT IN (SELECT op_id FROM overridden ORDER BY recorded_at DESC, by_at DESC LIMIT ?)",
            arguments: [maxOverridden])
    }

    /// A pulled caster change about to be confirmed: if it overwrites, with a different value, a
    /// register the user wrote last, and someone else made it, the user's write was overridden.
    static func noteOverwrite(_ db: Database, change: CasterState, me: UUID?, now: Int64) throws {
        // Decided from the pulled change first: most changes are not someone else's, and need no read.
        guard let me, let author = change.register.changedBy, author != me,
            let current = try StateQueries.register(db, race: change.raceID, user: change.userID),
            current.changedBy == me, change.register.hlc > current.hlc, change.register.present != current.present
        else { return }
        let winner =
            try StateQueries.user(db, id: author) ?? User(id: author, twitchUsername: "unknown", twitchDisplayName: nil)
        try recordOverridden(
            db, opID: current.opID, kind: current.kind, race: change.raceID, user: change.userID,
            at: current.hlc.wallMs, by: winner,
            byKind: change.register.kind, byAt: change.register.hlc.wallMs, now: now)
    }

    /// The user's overridden writes, newest first.
    public func overriddenOps() throws -> [OverriddenOp] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT op_id, kind, race_id, user_id, at, by_id, by_login, by_display_name, by_kind, by_at FROM overridden ORDER BY recorded_at DESC, by_at DESC"
            ).map { row in
                guard let kind = OpKind(rawValue: row["kind"]), let byKind = OpKind(rawValue: row["by_kind"]) else {
                    throw StoreRowError(table: "overridden", id: row["op_id"], reason: "unknown op kind")
                }
                return OverriddenOp(
                    opID: row["op_id"], kind: kind, raceID: row["race_id"], userID: row["user_id"],
                    at: Timestamp.date(milliseconds: row["at"]),
                    by: User(
                        id: row["by_id"], twitchUsername: row["by_login"], twitchDisplayName: row["by_display_name"]),
                    byKind: byKind, byAt: Timestamp.date(milliseconds: row["by_at"]))
            }
        }
    }
}

extension OverriddenOp {
    /// "your join of Any% at 14:03:20 was overridden by org's removal at 14:03:22".
    public func explanation(raceName: String, me: UUID?) -> String {
        func clock(_ date: Date) -> String { String(Timestamp.format(date).dropFirst(11).prefix(8)) }
        func verb(_ kind: OpKind, by author: UUID) -> String {
            switch kind {
            case .join: return author == userID ? "join" : "addition"
            case .leave: return author == userID ? "leave" : "removal"
            }
        }
        let mine = me.map { verb(kind, by: $0) } ?? kind.rawValue
        return
            "your \(mine) of \(raceName) at \(clock(at)) UTC was overridden by \(by.twitchUsername)'s \(verb(byKind, by: by.id)) at \(clock(byAt)) UTC"
    }
}
