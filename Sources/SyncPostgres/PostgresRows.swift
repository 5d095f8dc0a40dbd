import Foundation
import PostgresNIO
import RaceService
import SyncCore

/// The column lists and row decoders of the PostgreSQL hub store. A stored value RaceSync does
/// not know is an error that names the row (`StoreRowError`), never a silent default.
enum PostgresRows {
    /// `RaceStatus.isActive` as SQL over a races table aliased `r`, derived from the core's rule.
    static let raceIsActive =
        "r.status IN (" + RaceStatus.allCases.filter(\.isActive).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        + ")"

    static let raceColumns =
        "r.id, r.name, r.status, r.seeds_released, r.organizer_id, r.created_at, r.updated_at, r.created_seq"
    typealias RaceRow = (UUID, String, String, Bool, UUID, Int64, Int64, Int64)

    static func race(_ row: RaceRow) throws -> RaceState {
        let (id, name, statusText, seedsReleased, organizerID, createdMs, updatedMs, createdSeq) = row
        guard let status = RaceStatus(rawValue: statusText) else {
            throw StoreRowError(table: "races", id: id, reason: "status '\(statusText)' is not one RaceSync knows")
        }
        let race = Race(
            id: id, name: name, status: status, seedsReleased: seedsReleased, organizerID: organizerID,
            createdAt: Timestamp.date(milliseconds: createdMs), updatedAt: Timestamp.date(milliseconds: updatedMs))
        return RaceState(race: race, createdSeq: createdSeq)
    }

    static let registerColumns =
        "c.race_id, c.user_id, c.present, c.hlc_wall, c.hlc_counter, c.hlc_node, c.op_id, c.changed_by"
    typealias RegisterRow = (UUID, UUID, Bool, Int64, Int32, String, UUID, UUID?)

    static func register(_ row: RegisterRow) throws -> CasterState {
        let (raceID, userID, present, wallMs, storedCounter, node, opID, changedBy) = row
        guard let counter = UInt16(exactly: storedCounter) else {
            throw StoreRowError(table: "casters", id: opID, reason: "HLC counter \(storedCounter) is out of range")
        }
        let register = CasterRegister(
            present: present, hlc: HLC(wallMs: wallMs, counter: counter, node: node), opID: opID, changedBy: changedBy)
        return CasterState(raceID: raceID, userID: userID, register: register)
    }

    static let liveColumns = "user_id, stream_id, title, started_at, observed_at"
    typealias LiveRow = (UUID, String, String, Int64, Int64)

    /// A live-status row: whose stream it is, and the stream.
    static func live(_ row: LiveRow) -> (user: UUID, stream: LiveStream) {
        let (userID, streamID, title, startedMs, observedMs) = row
        let stream = LiveStream(
            streamID: streamID, title: title, startedAt: Timestamp.date(milliseconds: startedMs),
            observedAt: Timestamp.date(milliseconds: observedMs))
        return (userID, stream)
    }

    /// The columns `user(_:)` reads; `userColumns(of: "u")` for a joined table.
    static let userColumns = userColumns(of: nil)
    static func userColumns(of table: String?) -> String {
        let prefix = table.map { $0 + "." } ?? ""
        return ["id", "login", "display_name", "twitch_id", "avatar_url"].map { prefix + $0 }.joined(separator: ", ")
    }
    typealias UserRow = (UUID, String, String?, String?, String?)

    static func user(_ row: UserRow) -> User {
        let (id, login, displayName, twitchID, avatarURL) = row
        return User(
            id: id, twitchUsername: login, twitchDisplayName: displayName, twitchUserID: twitchID, avatarURL: avatarURL)
    }

    /// An `applied_ops` row; the author is nil for answers recorded before authors were.
    typealias AnswerRow = (UUID, String, Int32?, String?, UUID?)

    static func answer(_ row: AnswerRow) throws -> RecordedAnswer {
        let (opID, statusText, code, detail, author) = row
        guard let status = OpStatus(rawValue: statusText) else {
            throw StoreRowError(
                table: "applied_ops", id: opID, reason: "answer '\(statusText)' is not one RaceSync knows")
        }
        return RecordedAnswer(
            answer: OpResult(opID: opID, status: status, code: code.map(Int.init), detail: detail), author: author)
    }
}

extension PostgresConnection {
    /// All rows of `query` decoded as `Row`.
    func all<Row>(_ query: PostgresQuery, as type: Row.Type, logger: Logger) async throws -> [Row]
    where Row: PostgresDecodable {
        var rows: [Row] = []
        for try await row in try await self.query(query, logger: logger).decode(Row.self) { rows.append(row) }
        return rows
    }

    /// All rows of `query` decoded as a tuple of columns.
    func all<each Column: PostgresDecodable>(_ query: PostgresQuery, as type: (repeat each Column).Type, logger: Logger)
        async throws -> [(repeat each Column)]
    {
        var rows: [(repeat each Column)] = []
        for try await row in try await self.query(query, logger: logger).decode((repeat each Column).self) {
            rows.append(row)
        }
        return rows
    }
}

/// A row's cells read in order, each decoded as a concrete type: unlike `row.decode` of a tuple
/// type, this needs no generic tuple metadata per row (measured: a tenth of the merge's own
/// time on PostgreSQL went to decoding the 1000 rows of `Statements.PairFacts` that way).
struct PostgresCells {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) { cells = row.makeIterator() }

    /// The next cell, decoded as `T`.
    mutating func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
        guard let cell = cells.next() else { throw PostgresDecodingError.Code.missingData }
        return try cell.decode(T.self)
    }
}
