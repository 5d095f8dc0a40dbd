import Foundation
import PostgresNIO
import SyncCore
import SyncStore

extension PostgresHubStore {
    /// Merges a pushed batch in one transaction: one result per op, in order, durable at return.
    public func push(_ ops: [Op], caller: UUID) async throws -> PushResponse {
        let results = try await write { [self] connection, log in try await merge(connection, ops, caller: caller, log: &log) }
        return PushResponse(results: results, hlc: currentHLC)
    }

    /// The batch merge inside a write transaction (the log head is locked): the facts of the
    /// whole batch in five set-based queries, the decisions by the rules every backend shares
    /// (`MergeDecisions`), the writes as one multi-row statement each (`UNNEST` of arrays).
    func merge(_ connection: PostgresConnection, _ ops: [Op], caller: UUID, log: inout LogAppends) async throws -> [OpResult] {
        guard !ops.isEmpty else { return [] }
        let opIDs = Array(Set(ops.map(\.opID)))
        var priors: [UUID: OpResult] = [:]
        for row in try await connection.all(
            "SELECT op_id, status, code, detail FROM applied_ops WHERE op_id = ANY(\(opIDs)::uuid[])",
            as: (UUID, String, Int32?, String?).self, logger: logger)
        {
            priors[row.0] = try PostgresRows.answer(row)
        }
        let raceIDs = Array(Set(ops.map(\.raceID)))
        var races: [UUID: Race] = [:]
        for row in try await connection.all(
            "SELECT \(unescaped: PostgresRows.raceColumns) FROM races r WHERE r.id = ANY(\(raceIDs)::uuid[])", as: PostgresRows.RaceRow.self, logger: logger)
        {
            let race = try PostgresRows.race(row).race
            races[race.id] = race
        }
        let keys = Array(Set(ops.map { MergeDecisions.Key(race: $0.raceID, user: $0.userID) }))
        let keyRaces = keys.map(\.race)
        let keyUsers = keys.map(\.user)
        var participants = Set<MergeDecisions.Key>()
        for (race, user) in try await connection.all(
            """
            SELECT p.race_id, p.user_id FROM unnest(\(keyRaces)::uuid[], \(keyUsers)::uuid[]) AS k(race_id, user_id)
            JOIN participants p ON p.race_id = k.race_id AND p.user_id = k.user_id
            """, as: (UUID, UUID).self, logger: logger)
        {
            participants.insert(.init(race: race, user: user))
        }
        var registers: [MergeDecisions.Key: CasterRegister] = [:]
        for row in try await connection.all(
            """
            SELECT \(unescaped: PostgresRows.registerColumns) FROM unnest(\(keyRaces)::uuid[], \(keyUsers)::uuid[]) AS k(race_id, user_id)
            JOIN casters c ON c.race_id = k.race_id AND c.user_id = k.user_id
            """, as: PostgresRows.RegisterRow.self, logger: logger)
        {
            let caster = try PostgresRows.register(row)
            registers[.init(race: caster.raceID, user: caster.userID)] = caster.register
        }
        let userIDs = Array(MergeDecisions.userIDs(ops, registers: registers, caller: caller))
        var users: [UUID: User] = [:]
        for row in try await connection.all(
            "SELECT id, login, display_name FROM users WHERE id = ANY(\(userIDs)::uuid[])", as: (UUID, String, String?).self, logger: logger)
        {
            users[row.0] = PostgresRows.user(row)
        }
        let decisions = MergeDecisions.decide(
            ops, caller: caller, priors: priors, races: races, participants: participants, registers: registers, users: users,
            nowMs: now(), observe: observe)
        try await writeRegisters(connection, decisions.changes)
        let at = now()
        for (key, register) in decisions.changes {
            try log.append(.caster(CasterState(raceID: key.race, userID: key.user, register: register)), atMs: at)
        }
        try await recordAnswers(connection, decisions.answers)
        return decisions.results
    }

    /// An id that stands for "none" in arrays (postgres-nio binds arrays of non-optional values).
    private static let none = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    private func writeRegisters(_ connection: PostgresConnection, _ changes: [(key: MergeDecisions.Key, register: CasterRegister)]) async throws {
        guard !changes.isEmpty else { return }
        let races = changes.map(\.key.race)
        let users = changes.map(\.key.user)
        let present = changes.map(\.register.present)
        let walls = changes.map(\.register.hlc.wallMs)
        let counters = changes.map { Int32($0.register.hlc.counter) }
        let nodes = changes.map(\.register.hlc.node)
        let opIDs = changes.map(\.register.opID)
        let authors = changes.map { $0.register.changedBy ?? Self.none }
        try await connection.query(
            """
            INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by)
            SELECT r, u, p, w, c, n, o, NULLIF(a, \(Self.none)::uuid)
            FROM unnest(\(races)::uuid[], \(users)::uuid[], \(present)::bool[], \(walls)::int8[], \(counters)::int4[],
                        \(nodes)::text[], \(opIDs)::uuid[], \(authors)::uuid[]) AS t(r, u, p, w, c, n, o, a)
            ON CONFLICT (race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id, changed_by = excluded.changed_by
            """, logger: logger)
    }

    private func recordAnswers(_ connection: PostgresConnection, _ answers: [OpResult]) async throws {
        guard !answers.isEmpty else { return }
        let ids = answers.map(\.opID)
        let statuses = answers.map(\.status.rawValue)
        // Codes are HTTP statuses (100...599) and details never empty: -1 and "" stand for none.
        let codes = answers.map { Int32(clamping: $0.code ?? -1) }
        let details = answers.map { $0.detail ?? "" }
        try await connection.query(
            """
            INSERT INTO applied_ops (op_id, status, code, detail)
            SELECT o, s, NULLIF(c, -1), NULLIF(d, '')
            FROM unnest(\(ids)::uuid[], \(statuses)::text[], \(codes)::int4[], \(details)::text[]) AS t(o, s, c, d)
            """, logger: logger)
    }
}
