import Foundation
import GRDB
import SyncCore

extension HubStore {
    /// Creates a race in setup with `organizer` as organizer. `name` must already be validated.
    public func createRace(name: String, organizer: UUID) throws -> RaceDetail {
        try write { db in
            let at = now()
            let seq = try Int64.fetchOne(db, sql: "SELECT coalesce(max(created_seq), 0) + 1 FROM races") ?? 1
            let race = Race(
                id: UUID(), name: name, status: .setup, seedsReleased: false, organizerID: organizer,
                createdAt: Timestamp.date(milliseconds: at), updatedAt: Timestamp.date(milliseconds: at))
            try db.execute(
                sql: """
                    INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [race.id, seq, race.name, race.status.rawValue, race.seedsReleased, organizer, at, at])
            try ChangeLog.append(db, .race(RaceState(race: race, createdSeq: seq)), atMs: at)
            return try StateQueries.detail(db, race: race, casters: [:])
        }
    }

    /// The race's detail, or nil when unknown.
    public func raceDetail(_ id: UUID) throws -> RaceDetail? {
        try read { db in try Self.detail(db, id) }
    }

    static func detail(_ db: Database, _ id: UUID) throws -> RaceDetail? {
        guard let race = try StateQueries.race(db, id: id) else { return nil }
        let casters = try presentCasters(db, race: id)
        return try StateQueries.detail(db, race: race, casters: casters)
    }

    /// Every race, newest first.
    public func raceSummaries() throws -> [RaceSummary] {
        try read { db in try RaceListing.summaries(db, status: nil) }
    }

    /// A page of the race list, newest first: at most `limit` races after `before`.
    public func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) throws -> RaceListPage {
        try read { db in try RaceListing.page(db, status: status, before: before, limit: limit) }
    }

    /// Organizer adds a participant by login.
    public func addParticipant(race id: UUID, caller: UUID, login: String) throws -> RaceDetail {
        try write { db in
            let facts = try Self.facts(db, id)
            let target = try StateQueries.user(db, login: login)
            if let violation = RaceRules.addParticipant(facts, caller: caller, target: target, login: login) {
                throw violation
            }
            let userID = target!.id
            try db.execute(sql: "INSERT INTO participants (race_id, user_id) VALUES (?, ?)", arguments: [id, userID])
            try ChangeLog.append(db, .participant(ParticipantState(raceID: id, userID: userID)), atMs: now())
            return try Self.detail(db, id)!
        }
    }

    /// Organizer moves the race through its life cycle.
    public func transition(_ step: RaceRules.Transition, race id: UUID, caller: UUID) throws -> RaceDetail {
        try write { db in
            let facts = try Self.facts(db, id)
            var race = try RaceRules.transition(step, facts, caller: caller).get()
            let at = now()
            race.updatedAt = Timestamp.date(milliseconds: at)
            try db.execute(
                sql: "UPDATE races SET status = ?, seeds_released = ?, updated_at = ? WHERE id = ?",
                arguments: [race.status.rawValue, race.seedsReleased, at, id])
            let seq = try Int64.fetchOne(db, sql: "SELECT created_seq FROM races WHERE id = ?", arguments: [id]) ?? 0
            try ChangeLog.append(db, .race(RaceState(race: race, createdSeq: seq)), atMs: at)
            return try Self.detail(db, id)!
        }
    }

    /// Self-join as caster (REST): the route's checks, then a hub-stamped op through the merge.
    public func castJoin(race id: UUID, caller: UUID) throws -> RaceDetail {
        try restOp(race: id, caller: caller, kind: .join) { _, facts in
            if let violation = RaceRules.castJoin(facts, caller: caller) { throw violation }
            return caller
        }
    }

    /// Self-leave as caster (REST).
    public func castLeave(race id: UUID, caller: UUID) throws -> RaceDetail {
        try restOp(race: id, caller: caller, kind: .leave) { _, facts in
            if let violation = RaceRules.castLeave(facts, caller: caller) { throw violation }
            return caller
        }
    }

    /// Organizer adds a caster by login (REST).
    public func addCaster(race id: UUID, caller: UUID, login: String) throws -> RaceDetail {
        try restOp(race: id, caller: caller, kind: .join) { db, facts in
            let target = try StateQueries.user(db, login: login)
            if let violation = RaceRules.addCaster(facts, caller: caller, target: target, login: login) {
                throw violation
            }
            return target!.id
        }
    }

    /// Organizer removes a caster by caster id (REST).
    public func removeCaster(race id: UUID, caller: UUID, casterID: UUID) throws -> RaceDetail {
        try restOp(race: id, caller: caller, kind: .leave) { _, facts in
            try RaceRules.removeCaster(facts, caller: caller, casterID: casterID).get()
        }
    }

    /// Checks a REST caster route with `check` (which returns the op's user), then merges a
    /// hub-stamped op in the same transaction; a rejection by the merge becomes the route's error.
    private func restOp(
        race id: UUID, caller: UUID, kind: OpKind, check: (Database, RaceFacts) throws -> UUID
    ) throws -> RaceDetail {
        try write { db in
            let facts = try Self.facts(db, id)
            let user = try check(db, facts)
            let op = Op(kind: kind, raceID: id, userID: user, hlc: stamp())
            let result = try merge(db, op, caller: caller, batch: MergeBatchCache())
            if result.status == .rejected {
                throw RuleViolation(result.code ?? 400, result.detail ?? "rejected")
            }
            return try Self.detail(db, id)!
        }
    }

    static func facts(_ db: Database, _ id: UUID) throws -> RaceFacts {
        guard let facts = try StateQueries.facts(db, race: id) else { throw RuleViolation.raceNotFound() }
        return facts
    }
}
