import Foundation
import PostgresNIO
import SyncCore
import SyncStore

extension PostgresHubStore {
    public func createRace(name: String, organizer: UUID) async throws -> RaceDetail {
        try await write { [self] connection, log in
            let at = now()
            let seq =
                try await connection.all(
                    "SELECT coalesce(max(created_seq), 0) + 1 FROM races", as: Int64.self, logger: logger
                ).first ?? 1
            let race = Race(
                id: UUID(), name: name, status: .setup, seedsReleased: false, organizerID: organizer,
                createdAt: Timestamp.date(milliseconds: at), updatedAt: Timestamp.date(milliseconds: at))
            try await connection.query(
                """
                INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
                VALUES (\(race.id), \(seq), \(race.name), \(race.status.rawValue), \(race.seedsReleased), \(organizer), \(at), \(at))
                """, logger: logger)
            try log.append(.race(RaceState(race: race, createdSeq: seq)), atMs: at)
            return try await Self.detail(connection, race.id, logger: logger)!
        }
    }

    public func addParticipant(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail {
        try await write { [self] connection, log in
            let facts = try await Self.facts(connection, id, logger: logger)
            let target = try await Self.user(connection, login: login, logger: logger)
            if let violation = RaceRules.addParticipant(facts, caller: caller, target: target, login: login) {
                throw violation
            }
            let userID = target!.id
            try await connection.query(
                "INSERT INTO participants (race_id, user_id) VALUES (\(id), \(userID))", logger: logger)
            try log.append(.participant(ParticipantState(raceID: id, userID: userID)), atMs: now())
            return try await Self.detail(connection, id, logger: logger)!
        }
    }

    public func transition(_ step: RaceRules.Transition, race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await write { [self] connection, log in
            let facts = try await Self.facts(connection, id, logger: logger)
            var race = try RaceRules.transition(step, facts, caller: caller).get()
            let at = now()
            race.updatedAt = Timestamp.date(milliseconds: at)
            let seq =
                try await connection.all(
                    """
                    UPDATE races SET status = \(race.status.rawValue), seeds_released = \(race.seedsReleased), updated_at = \(at)
                    WHERE id = \(id) RETURNING created_seq
                    """, as: Int64.self, logger: logger
                ).first ?? 0
            try log.append(.race(RaceState(race: race, createdSeq: seq)), atMs: at)
            return try await Self.detail(connection, id, logger: logger)!
        }
    }

    public func castJoin(race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await restOp(race: id, caller: caller, kind: .join) { _, facts in
            if let violation = RaceRules.castJoin(facts, caller: caller) { throw violation }
            return caller
        }
    }

    public func castLeave(race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await restOp(race: id, caller: caller, kind: .leave) { _, facts in
            if let violation = RaceRules.castLeave(facts, caller: caller) { throw violation }
            return caller
        }
    }

    public func addCaster(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail {
        try await restOp(race: id, caller: caller, kind: .join) { [logger] connection, facts in
            let target = try await Self.user(connection, login: login, logger: logger)
            if let violation = RaceRules.addCaster(facts, caller: caller, target: target, login: login) {
                throw violation
            }
            return target!.id
        }
    }

    public func removeCaster(race id: UUID, caller: UUID, casterID: UUID) async throws -> RaceDetail {
        try await restOp(race: id, caller: caller, kind: .leave) { _, facts in
            try RaceRules.removeCaster(facts, caller: caller, casterID: casterID).get()
        }
    }

    /// Checks a REST caster route with `check` (which returns the op's user), then merges a
    /// hub-stamped op in the same transaction; a rejection by the merge becomes the route's error.
    private func restOp(
        race id: UUID, caller: UUID, kind: OpKind,
        check: @escaping @Sendable (PostgresConnection, RaceFacts) async throws -> UUID
    ) async throws -> RaceDetail {
        try await write { [self] connection, log in
            let facts = try await Self.facts(connection, id, logger: logger)
            let user = try await check(connection, facts)
            let op = Op(kind: kind, raceID: id, userID: user, hlc: stamp())
            let result = try await merge(connection, [op], caller: caller, log: &log)[0]
            if result.status == .rejected {
                throw RuleViolation(result.code ?? 400, result.detail ?? "rejected")
            }
            return try await Self.detail(connection, id, logger: logger)!
        }
    }

    static func facts(_ connection: PostgresConnection, _ id: UUID, logger: Logger) async throws -> RaceFacts {
        let state = try await LoadedState.load(connection, races: [id], active: false, people: false, logger: logger)
        guard let race = state.races[id] else { throw RuleViolation.raceNotFound() }
        return RaceFacts(
            race: race, participants: state.participants[id] ?? [], casters: Set(state.presentCasters(id).keys))
    }

    static func user(_ connection: PostgresConnection, login: String, logger: Logger) async throws -> User? {
        try await connection.all(
            "SELECT id, login, display_name FROM users WHERE login = \(login.lowercased())",
            as: (UUID, String, String?).self, logger: logger
        ).first.map(PostgresRows.user)
    }
}
