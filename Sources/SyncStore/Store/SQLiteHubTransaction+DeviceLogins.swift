import Foundation
import GRDB
import RaceService

extension SQLiteHubTransaction {
    func insertDeviceGrant(_ grant: DeviceGrant, hash: Data) async throws {
        try await run { db in
            try db.execute(
                sql: """
                    INSERT INTO device_grants (hash, user_code, client_name, created_at, expires_at, interval_ms,
                        last_poll_at, state, decided_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    hash, grant.userCode, grant.clientName, grant.createdAtMs, grant.expiresAtMs, grant.intervalMs,
                    grant.lastPollAtMs, grant.state.rawValue, grant.decidedBy,
                ])
        }
    }

    func deviceGrant(hash: Data) async throws -> DeviceGrant? {
        try await run { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.grantColumns) FROM device_grants WHERE hash = ?", arguments: [hash]
            )
            .map(Self.grant)
        }
    }

    func deviceGrant(userCode: String) async throws -> (hash: Data, grant: DeviceGrant)? {
        try await run { db in
            try Row.fetchOne(
                db, sql: "SELECT hash, \(Self.grantColumns) FROM device_grants WHERE user_code = ?",
                arguments: [userCode]
            ).map { row in (row["hash"], try Self.grant(row)) }
        }
    }

    func updateDeviceGrant(_ grant: DeviceGrant, hash: Data) async throws {
        try await run { db in
            try db.execute(
                sql: """
                    UPDATE device_grants SET state = ?, decided_by = ?, interval_ms = ?, last_poll_at = ?
                    WHERE hash = ?
                    """,
                arguments: [grant.state.rawValue, grant.decidedBy, grant.intervalMs, grant.lastPollAtMs, hash])
        }
    }

    func deleteDeviceGrant(hash: Data) async throws -> Bool {
        try await run { db in
            try db.execute(sql: "DELETE FROM device_grants WHERE hash = ?", arguments: [hash])
            return db.changesCount > 0
        }
    }

    func deleteDeviceGrants(endedBy nowMs: Int64) async throws {
        try await run { db in
            try db.execute(sql: "DELETE FROM device_grants WHERE expires_at <= ?", arguments: [nowMs])
        }
    }

    func deviceGrantCount() async throws -> Int {
        try await run { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM device_grants") ?? 0 }
    }

    private static let grantColumns =
        "user_code, client_name, created_at, expires_at, interval_ms, last_poll_at, state, decided_by"

    private static func grant(_ row: Row) throws -> DeviceGrant {
        let userCode: String = row["user_code"]
        return DeviceGrant(
            userCode: userCode, clientName: row["client_name"], createdAtMs: row["created_at"],
            expiresAtMs: row["expires_at"], intervalMs: row["interval_ms"], lastPollAtMs: row["last_poll_at"],
            state: try DeviceGrant.storedState(row["state"], userCode: userCode), decidedBy: row["decided_by"])
    }
}
