import Foundation
import PostgresNIO
import SyncCore
import SyncStore

extension PostgresHubStore {
    /// Merges a pushed batch in one transaction: one result per op, in order, durable at return.
    public func push(_ ops: [Op], caller: UUID) async throws -> PushResponse {
        let results = try await write { [self] connection, log in
            try await merge(connection, ops, caller: caller, log: &log)
        }
        return PushResponse(results: results, hlc: currentHLC)
    }

    /// The batch merge inside a write transaction (the log head is locked): the facts of the
    /// whole batch in five set-based queries, the decisions by the rules every backend shares
    /// (`MergeDecisions`), the writes as one multi-row statement each (`UNNEST` of arrays).
    func merge(_ connection: PostgresConnection, _ ops: [Op], caller: UUID, log: inout LogAppends) async throws
        -> [OpResult]
    {
        guard !ops.isEmpty else { return [] }
        try await connection.query(Utility.probeByKey, logger: logger)
        var priors: [UUID: OpResult] = [:]
        var authors: [UUID: UUID] = [:]
        for row in try await connection.rows(Statements.Answers(ids: Array(Set(ops.map(\.opID)))), logger: logger) {
            priors[row.0] = try PostgresRows.answer((row.0, row.1, row.2, row.3))
            authors[row.0] = row.4
        }
        var races: [UUID: Race] = [:]
        for row in try await connection.rows(Statements.Races(ids: Array(Set(ops.map(\.raceID)))), logger: logger) {
            let race = try PostgresRows.race(row).race
            races[race.id] = race
        }
        let keys = Array(Set(ops.map { MergeDecisions.Key(race: $0.raceID, user: $0.userID) }))
        let keyRaces = keys.map(\.race)
        let keyUsers = keys.map(\.user)
        var participants = Set<MergeDecisions.Key>()
        for (race, user) in try await connection.rows(
            Statements.Participants(races: keyRaces, users: keyUsers), logger: logger)
        {
            participants.insert(.init(race: race, user: user))
        }
        var registers: [MergeDecisions.Key: CasterRegister] = [:]
        for row in try await connection.rows(Statements.Registers(races: keyRaces, users: keyUsers), logger: logger) {
            let caster = try PostgresRows.register(row)
            registers[.init(race: caster.raceID, user: caster.userID)] = caster.register
        }
        var users: [UUID: User] = [:]
        let userIDs = Array(MergeDecisions.userIDs(ops, registers: registers, caller: caller))
        for row in try await connection.rows(Statements.Users(ids: userIDs), logger: logger) {
            users[row.0] = PostgresRows.user(row)
        }
        let decisions = MergeDecisions.decide(
            ops, caller: caller, priors: priors, authors: authors, races: races, participants: participants,
            registers: registers, users: users,
            nowMs: now(), observe: observe)
        try await writeRegisters(connection, decisions.changes)
        let at = now()
        for (key, register) in decisions.changes {
            try log.append(.caster(CasterState(raceID: key.race, userID: key.user, register: register)), atMs: at)
        }
        try await recordAnswers(connection, decisions.answers, author: caller)
        return decisions.results
    }

    private func writeRegisters(
        _ connection: PostgresConnection, _ changes: [(key: MergeDecisions.Key, register: CasterRegister)]
    ) async throws {
        guard !changes.isEmpty else { return }
        try await connection.run(
            Statements.WriteRegisters(
                races: changes.map(\.key.race), users: changes.map(\.key.user),
                present: changes.map(\.register.present),
                walls: changes.map(\.register.hlc.wallMs), counters: changes.map { Int32($0.register.hlc.counter) },
                nodes: changes.map(\.register.hlc.node), opIDs: changes.map(\.register.opID),
                authors: changes.map { $0.register.changedBy ?? Statements.none }),
            logger: logger)
    }

    private func recordAnswers(_ connection: PostgresConnection, _ answers: [OpResult], author: UUID) async throws {
        guard !answers.isEmpty else { return }
        try await connection.run(
            Statements.RecordAnswers(
                ids: answers.map(\.opID), statuses: answers.map(\.status.rawValue),
                codes: answers.map { Int32(clamping: $0.code ?? -1) }, details: answers.map { $0.detail ?? "" },
                author: author),
            logger: logger)
    }
}
