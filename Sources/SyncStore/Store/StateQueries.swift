import Foundation
import GRDB
import RaceService
import SyncCore

/// Reads of the state tables that hub and replica share (users, races, participants,
/// caster registers, live status). Pure SQL over a `Database`; no writes.
enum StateQueries {
    /// The columns `user(_:)` reads (hub and replica name them alike).
    static let userColumns = "id, login, display_name, twitch_id, avatar_url"

    static func user(_ row: Row, prefix: String = "") -> User {
        User(
            id: row[prefix + "id"], twitchUsername: row[prefix + "login"],
            twitchDisplayName: row[prefix + "display_name"], twitchUserID: row[prefix + "twitch_id"],
            avatarURL: row[prefix + "avatar_url"])
    }

    static func user(_ db: Database, id: UUID) throws -> User? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(StateQueries.userColumns) FROM users WHERE id = ?"), arguments: [id]
        ).map { user($0) }
    }

    static func user(_ db: Database, login: String) throws -> User? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(StateQueries.userColumns) FROM users WHERE login = ?"),
            arguments: [login.lowercased()]
        ).map { user($0) }
    }

    static func users(_ db: Database) throws -> [User] {
        try Row.fetchAll(db, sql: "SELECT \(StateQueries.userColumns) FROM users ORDER BY login").map { user($0) }
    }

    /// `RaceStatus.isActive` as SQL over a races table aliased `r`: the one place it is written.
    static let raceIsActive =
        "r.status IN (" + RaceStatus.allCases.filter(\.isActive).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        + ")"

    static let raceColumns =
        "r.id, r.name, r.status, r.seeds_released, r.organizer_id, r.created_at, r.updated_at, r.created_seq"

    static func race(_ row: Row) throws -> Race {
        let id: UUID = row["id"]
        return Race(
            id: id, name: row["name"], status: try RowDecoding.status(row, table: "races", id: id),
            seedsReleased: row["seeds_released"], organizerID: row["organizer_id"],
            createdAt: Timestamp.date(milliseconds: row["created_at"]),
            updatedAt: Timestamp.date(milliseconds: row["updated_at"]))
    }

    static func race(_ db: Database, id: UUID) throws -> Race? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(raceColumns) FROM races r WHERE r.id = ?"), arguments: [id])
            .map { try race($0) }
    }

    /// Resolves a race id prefix (hex digits, dashes ignored) to the matching races, in SQL.
    static func races(_ db: Database, idPrefix: String) throws -> [Race] {
        let hex = idPrefix.replacingOccurrences(of: "-", with: "").uppercased()
        guard hex.allSatisfy(\.isHexDigit) else { return [] }
        return try Row.fetchAll(
            db,
            sql:
                "SELECT \(raceColumns) FROM races r WHERE hex(r.id) LIKE ? ORDER BY r.created_at DESC, r.created_seq DESC",
            arguments: [hex + "%"]
        ).map { try race($0) }
    }

    static func participants(_ db: Database, race: UUID) throws -> Set<UUID> {
        Set(
            try UUID.fetchAll(
                db.cachedStatement(sql: "SELECT user_id FROM participants WHERE race_id = ?"), arguments: [race]))
    }

    static let registerColumns = "present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by"

    static func register(_ row: Row) throws -> CasterRegister {
        let opID: UUID = row["op_id"]
        return CasterRegister(
            present: row["present"], hlc: try RowDecoding.hlc(row, table: "casters", id: opID),
            opID: opID, changedBy: row["changed_by"])
    }

    static func register(_ db: Database, race: UUID, user: UUID) throws -> CasterRegister? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(registerColumns) FROM casters WHERE race_id = ? AND user_id = ?"),
            arguments: [race, user]
        ).map { try register($0) }
    }

    static func registers(_ db: Database, race: UUID) throws -> [UUID: CasterRegister] {
        var result: [UUID: CasterRegister] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT user_id, \(registerColumns) FROM casters WHERE race_id = ?"),
            arguments: [race])
        {
            result[row["user_id"]] = try register(row)
        }
        return result
    }

    /// Writes a caster register, the one home of this SQL for hub and replica. With
    /// `onlyForward` an existing register holding a newer stamp is kept (a replica never moves
    /// a register back: registers only grow on the hub).
    static func writeRegister(_ db: Database, race: UUID, user: UUID, _ register: CasterRegister, onlyForward: Bool)
        throws
    {
        let guardClause =
            onlyForward
            ? "WHERE (excluded.hlc_wall, excluded.hlc_counter, excluded.hlc_node) >= (casters.hlc_wall, casters.hlc_counter, casters.hlc_node)"
            : ""
        try db.cachedStatement(
            sql: """
                INSERT INTO casters (race_id, user_id, present, hlc_wall, hlc_counter, hlc_node, op_id, changed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(race_id, user_id) DO UPDATE SET present = excluded.present, hlc_wall = excluded.hlc_wall,
                    hlc_counter = excluded.hlc_counter, hlc_node = excluded.hlc_node, op_id = excluded.op_id,
                    changed_by = excluded.changed_by
                \(guardClause)
                """
        ).execute(arguments: [
            race, user, register.present, register.hlc.wallMs, Int64(register.hlc.counter), register.hlc.node,
            register.opID,
            register.changedBy,
        ])
    }

    static func facts(_ db: Database, race id: UUID) throws -> RaceFacts? {
        guard let race = try race(db, id: id) else { return nil }
        let casters = try registers(db, race: id).filter { $0.value.present }.map(\.key)
        return RaceFacts(race: race, participants: try participants(db, race: id), casters: Set(casters))
    }

    /// Live streams of the given users.
    static func liveStreams(_ db: Database, users: [UUID]) throws -> [UUID: LiveStream] {
        guard !users.isEmpty else { return [:] }
        var result: [UUID: LiveStream] = [:]
        let marks = databaseQuestionMarks(count: users.count)
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT user_id, stream_id, title, started_at, observed_at FROM live_status WHERE user_id IN (\(marks))",
            arguments: StatementArguments(users))
        {
            result[row["user_id"]] = liveStream(row)
        }
        return result
    }

    /// Writes one user's live status (hub after a poll, replica from a pulled change).
    static func setLive(_ db: Database, _ live: LiveState) throws {
        guard let stream = live.stream else {
            try db.execute(sql: "DELETE FROM live_status WHERE user_id = ?", arguments: [live.userID])
            return
        }
        try db.execute(
            sql: """
                INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET stream_id = excluded.stream_id, title = excluded.title,
                    started_at = excluded.started_at, observed_at = excluded.observed_at
                """,
            arguments: [
                live.userID, stream.streamID, stream.title, Timestamp.milliseconds(stream.startedAt),
                Timestamp.milliseconds(stream.observedAt),
            ])
    }

    static func liveStream(_ row: Row) -> LiveStream {
        LiveStream(
            streamID: row["stream_id"], title: row["title"],
            startedAt: Timestamp.date(milliseconds: row["started_at"]),
            observedAt: Timestamp.date(milliseconds: row["observed_at"]))
    }

    /// The contract's `RaceDetail` (see `RaceDetailView`), read in the caller's transaction.
    static func detail(_ db: Database, race: Race, casters: [UUID: CasterRegister], pending: Set<UUID>? = nil) throws
        -> RaceDetail
    {
        try RaceDetailView.build(SQLiteStateReader(db: db), race: race, casters: casters, pending: pending)
    }
}
