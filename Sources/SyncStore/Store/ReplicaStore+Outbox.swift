public import Foundation
import GRDB
public import SyncCore

/// An op the hub refused, kept for the user to read.
public struct RejectedOp: Sendable, Equatable {
    public var opID: UUID
    public var kind: OpKind
    public var raceID: UUID
    public var userID: UUID
    public var code: Int
    public var detail: String
    public var at: Date
}

/// Why a local write was refused at once.
public enum LocalWriteError: Error, CustomStringConvertible {
    case notLoggedIn
    case rule(RuleViolation)

    public var description: String {
        switch self {
        case .notLoggedIn: return "this replica has no user yet: run 'racecli login --hub URL --token-stdin' first"
        case .rule(let violation): return violation.reason
        }
    }
}

extension ReplicaStore {
    /// Self-join or self-leave as caster, offline: checks the local copy of the rules on the
    /// current view, then stamps the op with the node's clock and queues it, in one transaction.
    public func enqueue(_ kind: OpKind, race raceID: UUID) throws -> Op {
        try write { db in
            guard let session = try Self.session(db) else { throw LocalWriteError.notLoggedIn }
            let me = session.user.id
            guard let facts = try viewFacts(db, race: raceID) else { throw LocalWriteError.rule(.raceNotFound) }
            let violation =
                kind == .join ? RaceRules.castJoin(facts, caller: me) : RaceRules.castLeave(facts, caller: me)
            if let violation { throw LocalWriteError.rule(violation) }
            var clock = try loadClock(db)
            if let seen = try StateQueries.register(db, race: raceID, user: me) { clock.receive(seen.hlc, now: now()) }
            for pending in try pendingOps(db, race: raceID) where pending.userID == me {
                clock.receive(pending.hlc, now: now())
            }
            let op = Op(kind: kind, raceID: raceID, userID: me, hlc: clock.tick(now: now()))
            try saveClock(db, clock)
            try db.execute(
                sql: """
                    INSERT INTO outbox (op_id, kind, race_id, user_id, hlc_wall, hlc_counter, hlc_node, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    op.opID, kind.rawValue, raceID, me, op.hlc.wallMs, Int64(op.hlc.counter), op.hlc.node, now(),
                ])
            return op
        }
    }

    /// Pending ops, oldest first.
    public func pendingOps(limit: Int = Int.max) throws -> [Op] {
        try pool.read { db in try pendingOps(db, limit: limit) }
    }

    /// Pending ops, oldest first; only those of `race` when given.
    func pendingOps(_ db: Database, race: UUID? = nil, limit: Int = Int.max) throws -> [Op] {
        let filter = race == nil ? "" : "WHERE race_id = ?"
        var arguments: StatementArguments = race.map { [$0] } ?? []
        arguments += [limit]
        return try Row.fetchAll(
            db,
            sql:
                "SELECT op_id, kind, race_id, user_id, hlc_wall, hlc_counter, hlc_node FROM outbox \(filter) ORDER BY seq LIMIT ?",
            arguments: arguments
        ).map { row in
            let id: UUID = row["op_id"]
            return Op(
                opID: id, kind: try RowDecoding.kind(row, table: "outbox", id: id), raceID: row["race_id"],
                userID: row["user_id"],
                hlc: try RowDecoding.hlc(row, table: "outbox", id: id))
        }
    }

    /// Records the hub's answers in one transaction: answered ops leave the outbox; an
    /// `applied` op becomes part of the confirmed state at once, and so does a `duplicate` (the
    /// answer to a re-sent op whose first answer was lost: the hub merged it then, so the view
    /// must not lose it until the next pull says what is newer); a `rejected` one moves to the
    /// rejected list with the hub's code and detail.
    public func record(_ results: [OpResult], for ops: [Op]) throws {
        let byID = Dictionary(ops.map { ($0.opID, $0) }, uniquingKeysWith: { first, _ in first })
        try write { db in
            for result in results {
                guard let op = byID[result.opID] else { continue }
                switch result.status {
                case .applied, .duplicate:
                    try Self.confirm(
                        db, race: op.raceID, user: op.userID, register: .written(by: op, author: op.userID))
                case .superseded:
                    // Lost to someone else's newer write: say so (a loss to the user's own later
                    // write, from another of their machines, is no news).
                    if let winner = result.winner, winner.user.id != op.userID {
                        try Self.recordOverridden(
                            db, opID: op.opID, kind: op.kind, race: op.raceID, user: op.userID, at: op.hlc.wallMs,
                            by: winner.user,
                            byKind: winner.kind, byAt: winner.hlc.wallMs, now: now())
                    }
                case .rejected:
                    try db.execute(
                        sql:
                            "INSERT OR REPLACE INTO rejected (op_id, kind, race_id, user_id, code, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [
                            op.opID, op.kind.rawValue, op.raceID, op.userID, result.code ?? 0,
                            result.detail ?? "rejected", now(),
                        ])
                }
                try db.execute(sql: "DELETE FROM outbox WHERE op_id = ?", arguments: [op.opID])
            }
        }
    }

    /// Ops the hub rejected, newest first.
    public func rejectedOps() throws -> [RejectedOp] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT op_id, kind, race_id, user_id, code, detail, at FROM rejected ORDER BY at DESC"
            ).map { row in
                RejectedOp(
                    opID: row["op_id"], kind: try RowDecoding.kind(row, table: "rejected", id: row["op_id"]),
                    raceID: row["race_id"], userID: row["user_id"],
                    code: row["code"], detail: row["detail"], at: Timestamp.date(milliseconds: row["at"]))
            }
        }
    }

    /// Forgets the rejected and overridden lists once the user has read them; returns how many
    /// entries were cleared.
    @discardableResult
    public func clearRejected() throws -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM rejected")
            let rejected = db.changesCount
            try db.execute(sql: "DELETE FROM overridden")
            return rejected + db.changesCount
        }
    }

    /// Forgets one rejected or overridden op once the user has read about it; false when
    /// there was none with that id.
    @discardableResult
    public func dismissNotice(_ opID: UUID) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM rejected WHERE op_id = ?", arguments: [opID])
            let rejected = db.changesCount
            try db.execute(sql: "DELETE FROM overridden WHERE op_id = ?", arguments: [opID])
            return rejected + db.changesCount > 0
        }
    }
}
