import Foundation
import Logging
import PostgresNIO
import RaceService
import SyncCore
import Synchronization

/// A hub write transaction on PostgreSQL: each call runs its SQL on the transaction's
/// connection (the log head is locked, see `PostgresHubStore`); log appends take consecutive
/// positions from the head and are stamped on their rows just before the commit (`LogAppends`),
/// except caster registers, which the merge's upsert writes with their positions.
final class PostgresHubTransaction: HubTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let log: Mutex<LogAppends>
    /// The log positions of the registers `pairFacts` found: a register written again leaves
    /// its old one (`WriteRegisters`).
    private let registerSeqs = Mutex<[RegisterKey: Int64]>([:])
    init(connection: PostgresConnection, logger: Logger, head: Int64) {
        self.connection = connection
        self.logger = logger
        self.log = Mutex(LogAppends(after: head))
    }

    func raceFacts(_ id: UUID) async throws -> RaceFacts? {
        let state = try await LoadedState.load(connection, races: [id], active: false, people: false, logger: logger)
        guard let race = state.races[id] else { return nil }
        return RaceFacts(
            race: race, participants: state.participants[id] ?? [], casters: Set(state.presentCasters(id).keys))
    }

    func races(_ ids: [UUID]) async throws -> [UUID: RaceState] {
        var found: [UUID: RaceState] = [:]
        for row in try await connection.rows(Statements.Races(ids: ids), logger: logger) {
            let state = try PostgresRows.race(row)
            found[state.race.id] = state
        }
        return found
    }

    func nextRaceSeq() async throws -> Int64 {
        try await connection.all("SELECT coalesce(max(created_seq), 0) + 1 FROM races", as: Int64.self, logger: logger)
            .first ?? 1
    }

    func pairFacts(_ keys: [RegisterKey], joining: Set<RegisterKey>) async throws -> PairFacts {
        var facts = PairFacts()
        var seqs: [RegisterKey: Int64] = [:]
        for row in try await connection.rows(
            Statements.PairFacts(
                races: keys.map(\.race), users: keys.map(\.user), joins: keys.map { joining.contains($0) }),
            logger: logger)
        {
            let key = RegisterKey(race: row.race, user: row.user)
            if row.userExists { facts.users.insert(row.user) }
            if row.participant { facts.participants.insert(key) }
            if let register = try row.register() { facts.registers[key] = register }
            if let seq = row.seq { seqs[key] = seq }
        }
        registerSeqs.withLock { $0.merge(seqs) { $1 } }
        return facts
    }

    func users(_ ids: [UUID]) async throws -> [UUID: User] {
        var found: [UUID: User] = [:]
        for row in try await connection.rows(Statements.Users(ids: ids), logger: logger) {
            let user = PostgresRows.user(row)
            found[user.id] = user
        }
        return found
    }

    func user(login: String) async throws -> User? {
        try await connection.all(
            "SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE login = \(login.lowercased())",
            as: PostgresRows.UserRow.self, logger: logger
        ).first.map(PostgresRows.user)
    }

    func answers(_ ids: [UUID]) async throws -> [UUID: RecordedAnswer] {
        var found: [UUID: RecordedAnswer] = [:]
        for row in try await connection.rows(Statements.Answers(ids: ids), logger: logger) {
            let recorded = try PostgresRows.answer(row)
            found[recorded.answer.opID] = recorded
        }
        return found
    }

    func liveStatus() async throws -> [UUID: LiveStream] {
        var current: [UUID: LiveStream] = [:]
        for row in try await connection.all(
            "SELECT \(unescaped: PostgresRows.liveColumns) FROM live_status", as: PostgresRows.LiveRow.self,
            logger: logger)
        {
            let (userID, stream) = PostgresRows.live(row)
            current[userID] = stream
        }
        return current
    }

    func insertRace(_ state: RaceState) async throws {
        let race = state.race
        let (at, updated) = (Timestamp.milliseconds(race.createdAt), Timestamp.milliseconds(race.updatedAt))
        try await connection.query(
            """
            INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
            VALUES (\(race.id), \(state.createdSeq), \(race.name), \(race.status.rawValue), \(race.seedsReleased),
                    \(race.organizerID), \(at), \(updated))
            """, logger: logger)
    }

    func updateRace(_ race: Race) async throws {
        try await connection.query(
            """
            UPDATE races SET status = \(race.status.rawValue), seeds_released = \(race.seedsReleased),
                updated_at = \(Timestamp.milliseconds(race.updatedAt))
            WHERE id = \(race.id)
            """, logger: logger)
    }

    func insertParticipant(race: UUID, user: UUID) async throws {
        try await connection.query(
            "INSERT INTO participants (race_id, user_id) VALUES (\(race), \(user))", logger: logger)
    }

    func deleteParticipant(race: UUID, user: UUID) async throws {
        try await connection.query(
            "DELETE FROM participants WHERE race_id = \(race) AND user_id = \(user)", logger: logger)
    }

    func writeRegisters(_ changes: [(key: RegisterKey, register: CasterRegister)]) async throws {
        guard !changes.isEmpty else { return }
        let seqs = log.withLock { log in
            log.wakesReaders = true
            return changes.map { key, register in
                log.appendStamped(.caster(CasterState(raceID: key.race, userID: key.user, register: register)))
            }
        }
        try await connection.run(
            Statements.WriteRegisters(
                races: changes.map(\.key.race), users: changes.map(\.key.user),
                present: changes.map(\.register.present),
                walls: changes.map(\.register.hlc.wallMs), counters: changes.map { Int32($0.register.hlc.counter) },
                nodes: changes.map(\.register.hlc.node), opIDs: changes.map(\.register.opID),
                authors: NullableArray(changes.map(\.register.changedBy)), seqs: seqs,
                previous: registerSeqs.withLock { known in changes.compactMap { known[$0.key] } }),
            logger: logger)
        registerSeqs.withLock { known in for (change, seq) in zip(changes, seqs) { known[change.key] = seq } }
    }

    func recordAnswers(_ answers: [OpResult], author: UUID) async throws {
        guard !answers.isEmpty else { return }
        try await connection.run(
            Statements.RecordAnswers(
                ids: answers.map(\.opID), statuses: answers.map(\.status.rawValue),
                codes: NullableArray(answers.map { $0.code.map { Int32(clamping: $0) } }),
                details: NullableArray(answers.map(\.detail)),
                author: author),
            logger: logger)
    }

    func setLive(_ changes: [LiveState]) async throws {
        for change in changes { try await setLive(change) }
    }

    private func setLive(_ change: LiveState) async throws {
        guard let stream = change.stream else {
            try await connection.query("DELETE FROM live_status WHERE user_id = \(change.userID)", logger: logger)
            return
        }
        try await connection.query(
            """
            INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at)
            VALUES (\(change.userID), \(stream.streamID), \(stream.title), \(Timestamp.milliseconds(stream.startedAt)),
                    \(Timestamp.milliseconds(stream.observedAt)))
            ON CONFLICT (user_id) DO UPDATE SET stream_id = excluded.stream_id, title = excluded.title,
                started_at = excluded.started_at, observed_at = excluded.observed_at
            """, logger: logger)
    }

    func setLastPoll(_ date: Date) async throws {
        try await connection.query(
            """
            INSERT INTO meta (key, value) VALUES ('last_poll_at', \(String(Timestamp.milliseconds(date))))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }

    func insertUser(_ user: User, atMs: Int64) async throws {
        try await connection.query(
            """
            INSERT INTO users (id, login, display_name, created_at)
            VALUES (\(user.id), \(user.twitchUsername), \(user.twitchDisplayName), \(atMs))
            """, logger: logger)
    }

    func appendLog(_ changes: [ChangeData], atMs: Int64, wakesReaders: Bool) async throws {
        log.withLock { log in
            for change in changes { log.append(change) }
            if wakesReaders { log.wakesReaders = true }
        }
    }

    func raceDetail(_ id: UUID) async throws -> RaceDetail? {
        try await PostgresHubStore.detail(connection, id, logger: logger)
    }
}
