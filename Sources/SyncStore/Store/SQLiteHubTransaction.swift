import Foundation
import GRDB
import RaceService
import SyncCore
import Synchronization

/// A hub write transaction on SQLite: each call runs its SQL on the writer connection, inside
/// the transaction `SQLiteHubBackend` began (and will commit or roll back) while it holds the
/// write lane.
final class SQLiteHubTransaction: HubTransaction {
    private let pool: DatabasePool
    /// Whether the log appends so far change what readers see.
    private let wakes = Mutex(false)
    init(pool: DatabasePool) { self.pool = pool }

    /// Whether the commit should wake readers.
    var wakesReaders: Bool { wakes.withLock { $0 } }

    func run<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction(body)
    }

    func raceFacts(_ id: UUID) async throws -> RaceFacts? { try await run { try StateQueries.facts($0, race: id) } }
    func races(_ ids: [UUID]) async throws -> [UUID: RaceState] { try await run { try HubWrites.races($0, ids) } }
    func nextRaceSeq() async throws -> Int64 {
        try await run { try Int64.fetchOne($0, sql: "SELECT coalesce(max(created_seq), 0) + 1 FROM races") ?? 1 }
    }
    func pairFacts(_ keys: [RegisterKey], joining: Set<RegisterKey>) async throws -> PairFacts {
        try await run { db in
            try HubWrites.stage(db, keys)
            return PairFacts(
                participants: try HubWrites.participants(db).intersection(joining),
                registers: try HubWrites.registers(db),
                users: try HubWrites.stagedUsers(db))
        }
    }
    func users(_ ids: [UUID]) async throws -> [UUID: User] { try await run { try HubWrites.users($0, ids) } }
    func user(login: String) async throws -> User? { try await run { try StateQueries.user($0, login: login) } }
    func answers(_ ids: [UUID]) async throws -> [UUID: RecordedAnswer] {
        try await run { try HubWrites.answers($0, ids) }
    }
    func liveStatus() async throws -> [UUID: LiveStream] {
        try await run { db in
            var current: [UUID: LiveStream] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT user_id, stream_id, title, started_at, observed_at FROM live_status")
            {
                current[row["user_id"]] = StateQueries.liveStream(row)
            }
            return current
        }
    }

    func insertRace(_ state: RaceState) async throws {
        let race = state.race
        let at = Timestamp.milliseconds(race.createdAt)
        let updated = Timestamp.milliseconds(race.updatedAt)
        try await run { db in
            try db.execute(
                sql: """
                    INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    race.id, state.createdSeq, race.name, race.status.rawValue, race.seedsReleased, race.organizerID,
                    at, updated,
                ])
        }
    }
    func updateRace(_ race: Race) async throws {
        let at = Timestamp.milliseconds(race.updatedAt)
        try await run { db in
            try db.execute(
                sql: "UPDATE races SET status = ?, seeds_released = ?, updated_at = ? WHERE id = ?",
                arguments: [race.status.rawValue, race.seedsReleased, at, race.id])
        }
    }
    func insertParticipant(race: UUID, user: UUID) async throws {
        try await run { db in
            try db.execute(sql: "INSERT INTO participants (race_id, user_id) VALUES (?, ?)", arguments: [race, user])
        }
    }
    func deleteParticipant(race: UUID, user: UUID) async throws {
        try await run { db in
            try db.execute(sql: "DELETE FROM participants WHERE race_id = ? AND user_id = ?", arguments: [race, user])
        }
    }

    func writeRegisters(_ changes: [(key: RegisterKey, register: CasterRegister)]) async throws {
        guard !changes.isEmpty else { return }
        wakes.withLock { $0 = true }
        try await run { db in
            try HubWrites.writeRegisters(db, changes, firstSeq: try RowLog.reserve(db, count: changes.count))
        }
    }
    func recordAnswers(_ answers: [OpResult], author: UUID) async throws {
        guard !answers.isEmpty else { return }
        try await run { try HubWrites.recordAnswers($0, answers, author: author) }
    }
    func setLive(_ changes: [LiveState]) async throws {
        guard !changes.isEmpty else { return }
        try await run { db in for change in changes { try StateQueries.setLive(db, change) } }
    }
    func setLastPoll(_ date: Date) async throws { try await run { try Meta.setDate($0, "last_poll_at", date) } }
    func insertUser(_ user: User, atMs: Int64) async throws {
        try await run { db in
            try db.execute(
                sql: "INSERT INTO users (id, login, display_name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [user.id, user.twitchUsername, user.twitchDisplayName, atMs])
        }
    }

    func appendLog(_ changes: [ChangeData], atMs: Int64, wakesReaders: Bool) async throws {
        guard !changes.isEmpty else { return }
        if wakesReaders { wakes.withLock { $0 = true } }
        try await run { try RowLog.append($0, changes) }
    }

    /// A small write that proves the disk takes writes again (`HubStore.canWrite`).
    func probeWrite(atMs: Int64) async throws { try await run { try Meta.set($0, "write_probe", String(atMs)) } }

    func raceDetail(_ id: UUID) async throws -> RaceDetail? { try await run { try HubStore.detail($0, id) } }
}
