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
        guard let status = RaceStatus(rawValue: row.2) else {
            throw StoreRowError(table: "races", id: row.0, reason: "status '\(row.2)' is not one RaceSync knows")
        }
        let race = Race(
            id: row.0, name: row.1, status: status, seedsReleased: row.3, organizerID: row.4,
            createdAt: Timestamp.date(milliseconds: row.5), updatedAt: Timestamp.date(milliseconds: row.6))
        return RaceState(race: race, createdSeq: row.7)
    }

    static let registerColumns =
        "c.race_id, c.user_id, c.present, c.hlc_wall, c.hlc_counter, c.hlc_node, c.op_id, c.changed_by"
    typealias RegisterRow = (UUID, UUID, Bool, Int64, Int32, String, UUID, UUID?)

    static func register(_ row: RegisterRow) throws -> CasterState {
        guard let counter = UInt16(exactly: row.4) else {
            throw StoreRowError(table: "casters", id: row.6, reason: "HLC counter \(row.4) is out of range")
        }
        let register = CasterRegister(
            present: row.2, hlc: HLC(wallMs: row.3, counter: counter, node: row.5), opID: row.6, changedBy: row.7)
        return CasterState(raceID: row.0, userID: row.1, register: register)
    }

    static let liveColumns = "user_id, stream_id, title, started_at, observed_at"
    typealias LiveRow = (UUID, String, String, Int64, Int64)

    static func live(_ row: LiveRow) -> LiveStream {
        LiveStream(
            streamID: row.1, title: row.2, startedAt: Timestamp.date(milliseconds: row.3),
            observedAt: Timestamp.date(milliseconds: row.4))
    }

    static func user(_ row: (UUID, String, String?)) -> User {
        User(id: row.0, twitchUsername: row.1, twitchDisplayName: row.2)
    }

    static func answer(_ row: (UUID, String, Int32?, String?)) throws -> OpResult {
        guard let status = OpStatus(rawValue: row.1) else {
            throw StoreRowError(table: "applied_ops", id: row.0, reason: "answer '\(row.1)' is not one RaceSync knows")
        }
        return OpResult(opID: row.0, status: status, code: row.2.map(Int.init), detail: row.3)
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
