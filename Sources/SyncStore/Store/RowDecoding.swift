import Foundation
import GRDB
import RaceService
import SyncCore

/// Reading enumerations and clocks out of stored rows: a value RaceSync does not know is an
/// error that names the row, never a silent default that would change what the row means.
enum RowDecoding {
    static func kind(_ row: Row, _ column: String = "kind", table: String, id: UUID) throws -> OpKind {
        let text: String = row[column]
        guard let kind = OpKind(rawValue: text) else {
            throw StoreRowError(table: table, id: id, reason: "op kind '\(text)' is not one RaceSync knows")
        }
        return kind
    }

    static func status(_ row: Row, table: String, id: UUID) throws -> RaceStatus {
        let text: String = row["status"]
        guard let status = RaceStatus(rawValue: text) else {
            throw StoreRowError(table: table, id: id, reason: "status '\(text)' is not one RaceSync knows")
        }
        return status
    }

    static func hlc(_ row: Row, table: String, id: UUID) throws -> HLC {
        let counter: Int64 = row["hlc_counter"]
        guard let small = UInt16(exactly: counter) else {
            throw StoreRowError(table: table, id: id, reason: "HLC counter \(counter) is out of range")
        }
        return HLC(wallMs: row["hlc_wall"], counter: small, node: row["hlc_node"])
    }
}
