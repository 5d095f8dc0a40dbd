import Foundation
import Logging
import PostgresNIO
import RaceService
import SyncCore

/// What a view (race detail, page, feed) of some races reads, loaded from PostgreSQL in one
/// read transaction with a handful of set-based queries, then served from memory to the views
/// every backend shares (`StateReader`).
struct LoadedState: StateReader {
    var races: [UUID: Race] = [:]
    /// With `active`: the setup/running races someone live may be a member of.
    var active: [Race] = []
    var participants: [UUID: Set<UUID>] = [:]
    var present: [UUID: [UUID: CasterRegister]] = [:]
    var users: [UUID: User] = [:]
    var live: [UUID: LiveStream] = [:]
    var polled: Date?

    /// The present casters of a race.
    func presentCasters(_ race: UUID) -> [UUID: CasterRegister] { present[race] ?? [:] }

    /// Loads `ids` (and, with `active`, the setup/running races someone live may be a member of) with their members and, with
    /// `people`, the users they name, those users' live status and the last poll (what views
    /// show; a rule check needs only the races and their members).
    static func load(
        _ connection: PostgresConnection, races ids: [UUID], active includeActive: Bool, people: Bool = true,
        logger: Logger
    ) async throws -> LoadedState {
        var state = LoadedState()
        for row in try await connection.all(
            "SELECT \(unescaped: PostgresRows.raceColumns) FROM races r WHERE r.id = ANY(\(ids)::uuid[])",
            as: PostgresRows.RaceRow.self, logger: logger)
        {
            let race = try PostgresRows.race(row).race
            state.races[race.id] = race
        }
        if includeActive {
            // Only the active races someone live may be a member of (see `activeRacesWithLiveCandidates`).
            for row in try await connection.all(
                """
                SELECT \(unescaped: PostgresRows.raceColumns) FROM races r WHERE \(unescaped: PostgresRows.raceIsActive) AND r.id IN (
                    SELECT p.race_id FROM live_status l JOIN participants p ON p.user_id = l.user_id
                    UNION SELECT c.race_id FROM live_status l JOIN casters c ON c.user_id = l.user_id)
                """,
                as: PostgresRows.RaceRow.self, logger: logger)
            {
                let race = try PostgresRows.race(row).race
                state.races[race.id] = race
                state.active.append(race)
            }
        }
        let raceIDs = Array(state.races.keys)
        for (race, user) in try await connection.all(
            "SELECT race_id, user_id FROM participants WHERE race_id = ANY(\(raceIDs)::uuid[])", as: (UUID, UUID).self,
            logger: logger)
        {
            state.participants[race, default: []].insert(user)
        }
        for row in try await connection.all(
            "SELECT \(unescaped: PostgresRows.registerColumns) FROM casters c WHERE c.race_id = ANY(\(raceIDs)::uuid[]) AND c.present",
            as: PostgresRows.RegisterRow.self, logger: logger)
        {
            let caster = try PostgresRows.register(row)
            state.present[caster.raceID, default: [:]][caster.userID] = caster.register
        }
        guard people else { return state }
        var named = Set(state.races.values.map(\.organizerID))
        for members in state.participants.values { named.formUnion(members) }
        for registers in state.present.values {
            named.formUnion(registers.keys)
            named.formUnion(registers.values.compactMap(\.changedBy))
        }
        let userIDs = Array(named)
        for row in try await connection.all(
            "SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE id = ANY(\(userIDs)::uuid[])",
            as: PostgresRows.UserRow.self, logger: logger)
        {
            let user = PostgresRows.user(row)
            state.users[user.id] = user
        }
        for row in try await connection.all(
            "SELECT \(unescaped: PostgresRows.liveColumns) FROM live_status WHERE user_id = ANY(\(userIDs)::uuid[])",
            as: PostgresRows.LiveRow.self, logger: logger)
        {
            let (userID, stream) = PostgresRows.live(row)
            state.live[userID] = stream
        }
        state.polled = try await lastPoll(connection, logger: logger)
        return state
    }

    static func lastPoll(_ connection: PostgresConnection, logger: Logger) async throws -> Date? {
        try await connection.all("SELECT value FROM meta WHERE key = 'last_poll_at'", as: String.self, logger: logger)
            .first.flatMap { Int64($0) }.map { Timestamp.date(milliseconds: $0) }
    }

    // MARK: StateReader

    func race(_ id: UUID) throws -> Race? { races[id] }
    func activeRacesWithLiveCandidates() throws -> [Race] { active }
    func participants(race: UUID) throws -> Set<UUID> { participants[race] ?? [] }
    func users(_ ids: [UUID]) throws -> [UUID: User] {
        var found: [UUID: User] = [:]
        for id in ids { found[id] = users[id] }
        return found
    }
    func liveStreams(users ids: [UUID]) throws -> [UUID: LiveStream] {
        var found: [UUID: LiveStream] = [:]
        for id in ids { found[id] = live[id] }
        return found
    }
    func lastPoll() throws -> Date? { polled }
}
