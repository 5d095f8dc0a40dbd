import Foundation
import GRDB
import SyncCore

/// Per-transaction lookups the merge reuses across the ops of one batch.
final class MergeBatchCache {
    var races: [UUID: Race?] = [:]
    var users: [UUID: Bool] = [:]
}

extension HubStore {
    /// The reference merge of a pushed batch: one op at a time, each looked up, decided and
    /// written on its own (what REST writes use). `push` must give the same answers and the same
    /// store; a property test holds them to it.
    public func pushOneByOne(_ ops: [Op], caller: UUID) throws -> PushResponse {
        let results = try write { db in
            let cache = MergeBatchCache()
            return try ops.map { try merge(db, $0, caller: caller, batch: cache) }
        }
        return PushResponse(results: results, hlc: currentHLC)
    }

    /// Decides and applies one op inside the caller's transaction, recording its answer.
    func merge(_ db: Database, _ op: Op, caller: UUID, batch: MergeBatchCache) throws -> OpResult {
        var priorAuthor: UUID?
        let prior = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT status, code, detail, author FROM applied_ops WHERE op_id = ?"),
            arguments: [op.opID]
        ).map { row in
            priorAuthor = row["author"]
            let text: String = row["status"]
            guard let status = OpStatus(rawValue: text) else {
                throw StoreRowError(
                    table: "applied_ops", id: op.opID, reason: "answer '\(text)' is not one RaceSync knows")
            }
            return OpResult(opID: op.opID, status: status, code: row["code"], detail: row["detail"])
        }
        var facts = CasterMerge.Facts(
            prior: prior, priorAuthor: priorAuthor, race: nil, userExists: false, isParticipant: false, register: nil)
        if prior == nil {
            facts.race = try cachedRace(db, op.raceID, batch)
            facts.userExists = try cachedUserExists(db, op.userID, batch)
            if facts.race != nil, facts.userExists {
                facts.isParticipant =
                    try Bool.fetchOne(
                        db.cachedStatement(sql: "SELECT 1 FROM participants WHERE race_id = ? AND user_id = ?"),
                        arguments: [op.raceID, op.userID]) ?? false
                facts.register = try StateQueries.register(db, race: op.raceID, user: op.userID)
            }
        }
        let result: OpResult
        switch CasterMerge.decide(op, caller: caller, facts: facts, nowMs: now()) {
        case .repeatAnswer(let answer):
            return answer
        case .refuseForeignOpID(let violation):
            return OpResult(opID: op.opID, status: .rejected, code: violation.status, detail: violation.detail)
        case .reject(let violation):
            result = OpResult(opID: op.opID, status: .rejected, code: violation.status, detail: violation.detail)
        case .supersede(let winner):
            observe(op.hlc)
            // A register from before authors were recorded was almost surely its own user's.
            let author =
                try StateQueries.user(db, id: winner.changedBy ?? op.userID)
                ?? User(id: winner.changedBy ?? op.userID, twitchUsername: "unknown", twitchDisplayName: nil)
            result = OpResult(
                opID: op.opID, status: .superseded, winner: OpWinner(hlc: winner.hlc, user: author, kind: winner.kind))
        case .apply(let register):
            observe(op.hlc)
            try StateQueries.writeRegister(db, race: op.raceID, user: op.userID, register, onlyForward: false)
            try ChangeLog.append(
                db, .caster(CasterState(raceID: op.raceID, userID: op.userID, register: register)), atMs: now())
            result = OpResult(opID: op.opID, status: .applied)
        }
        try db.cachedStatement(
            sql: "INSERT INTO applied_ops (op_id, status, code, detail, author) VALUES (?, ?, ?, ?, ?)"
        )
        .execute(arguments: [op.opID, result.status.rawValue, result.code, result.detail, caller])
        return result
    }

    private func cachedRace(_ db: Database, _ id: UUID, _ batch: MergeBatchCache) throws -> Race? {
        if let cached = batch.races[id] { return cached }
        let race = try StateQueries.race(db, id: id)
        batch.races[id] = race
        return race
    }

    private func cachedUserExists(_ db: Database, _ id: UUID, _ batch: MergeBatchCache) throws -> Bool {
        if let cached = batch.users[id] { return cached }
        let exists = try StateQueries.user(db, id: id) != nil
        batch.users[id] = exists
        return exists
    }
}
