import Foundation
import GRDB
import SyncCore

/// The reads the derived views (race detail, race page, live members, feeds) are built from,
/// so each view is written once for every backend: SQLite answers them from a `Database`
/// inside the caller's transaction (`SQLiteStateReader`); PostgreSQL loads what a view needs
/// in one transaction and answers from memory.
public protocol StateReader {
    func race(_ id: UUID) throws -> Race?
    /// The setup/running races in which someone with a live stream may be a member: a
    /// participant, a holder of a caster register (present or not), or on a replica the author
    /// of a pending op. The views decide who is a member now; this only keeps them from walking
    /// every active race (50,000 races with three live streams cost three races, not 50,000).
    func activeRacesWithLiveCandidates() throws -> [Race]
    func participants(race: UUID) throws -> Set<UUID>
    /// The known users among `ids`.
    func users(_ ids: [UUID]) throws -> [UUID: User]
    /// The live streams of those of `users` who are live.
    func liveStreams(users: [UUID]) throws -> [UUID: LiveStream]
    /// When the last successful Twitch poll ended.
    func lastPoll() throws -> Date?
}

/// A store's view of a race's present casters: the hub's registers, or a replica's registers
/// with its pending ops on top.
public typealias CasterView = (UUID) throws -> [UUID: CasterRegister]

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
            sql: "SELECT id, login, display_name FROM users WHERE id IN (\(databaseQuestionMarks(count: ids.count)))",
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
