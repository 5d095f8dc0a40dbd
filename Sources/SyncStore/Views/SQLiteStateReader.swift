import Foundation
import GRDB
import RaceService
import SyncCore

/// `StateReader` over a SQLite store, inside the caller's transaction.
struct SQLiteStateReader: StateReader {
    let db: Database
    /// A replica's reader also counts the races of its pending ops (a replica has an outbox).
    var pendingOps = false

    func race(_ id: UUID) throws -> Race? { try StateQueries.race(db, id: id) }
    func activeRacesWithLiveCandidates() throws -> [Race] {
        // Driven from the few live users (CROSS JOIN fixes the order): never a scan of the races.
        let pending =
            pendingOps ? " UNION SELECT o.race_id FROM live_status l CROSS JOIN outbox o ON o.user_id = l.user_id" : ""
        return try Row.fetchAll(
            db,
            sql: """
                SELECT \(StateQueries.raceColumns) FROM (
                    SELECT p.race_id AS race_id FROM live_status l CROSS JOIN participants p ON p.user_id = l.user_id
                    UNION SELECT c.race_id FROM live_status l CROSS JOIN casters c ON c.user_id = l.user_id\(pending)
                ) m CROSS JOIN races r ON r.id = m.race_id WHERE \(StateQueries.raceIsActive)
                """
        ).map { try StateQueries.race($0) }
    }
    func participants(race: UUID) throws -> Set<UUID> { try StateQueries.participants(db, race: race) }
    func users(_ ids: [UUID]) throws -> [UUID: User] {
        guard !ids.isEmpty else { return [:] }
        var users: [UUID: User] = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT \(StateQueries.userColumns) FROM users WHERE id IN (\(databaseQuestionMarks(count: ids.count)))",
            arguments: StatementArguments(ids))
        {
            let user = StateQueries.user(row)
            users[user.id] = user
        }
        return users
    }
    func liveStreams(users: [UUID]) throws -> [UUID: LiveStream] { try StateQueries.liveStreams(db, users: users) }
    func lastPoll() throws -> Date? { try Meta.date(db, "last_poll_at") }
}
