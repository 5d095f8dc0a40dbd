import Foundation
import PostgresNIO
import RaceService

extension PostgresHubTransaction {
    func insertDeviceGrant(_ grant: DeviceGrant, hash: Data) async throws {
        try await connection.query(
            """
            INSERT INTO device_grants (hash, user_code, client_name, created_at, expires_at, interval_ms,
                last_poll_at, state, decided_by)
            VALUES (\(hash), \(grant.userCode), \(grant.clientName), \(grant.createdAtMs), \(grant.expiresAtMs),
                \(grant.intervalMs), \(grant.lastPollAtMs), \(grant.state.rawValue), \(grant.decidedBy))
            """, logger: logger)
    }

    func deviceGrant(hash: Data) async throws -> DeviceGrant? {
        try await connection.all(
            "SELECT \(unescaped: Self.grantColumns) FROM device_grants WHERE hash = \(hash) FOR UPDATE",
            as: GrantRow.self, logger: logger
        ).first.map(Self.grant)
    }

    func deviceGrant(userCode: String) async throws -> (hash: Data, grant: DeviceGrant)? {
        guard
            let (hash, userCode, name, created, expires, interval, lastPoll, state, decidedBy) =
                try await connection
                .all(
                    """
                    SELECT hash, \(unescaped: Self.grantColumns) FROM device_grants
                    WHERE user_code = \(userCode) FOR UPDATE
                    """, as: (Data, String, String, Int64, Int64, Int64, Int64?, String, UUID?).self, logger: logger
                ).first
        else { return nil }
        return (hash, try Self.grant((userCode, name, created, expires, interval, lastPoll, state, decidedBy)))
    }

    func updateDeviceGrant(_ grant: DeviceGrant, hash: Data) async throws {
        try await connection.query(
            """
            UPDATE device_grants SET state = \(grant.state.rawValue), decided_by = \(grant.decidedBy),
                interval_ms = \(grant.intervalMs), last_poll_at = \(grant.lastPollAtMs)
            WHERE hash = \(hash)
            """, logger: logger)
    }

    func deleteDeviceGrant(hash: Data) async throws -> Bool {
        try await connection.all(
            "DELETE FROM device_grants WHERE hash = \(hash) RETURNING user_code", as: String.self, logger: logger
        ).count > 0
    }

    func deleteDeviceGrants(endedBy nowMs: Int64) async throws {
        try await connection.query("DELETE FROM device_grants WHERE expires_at <= \(nowMs)", logger: logger)
    }

    func deviceGrantCount() async throws -> Int {
        Int(try await connection.all("SELECT count(*) FROM device_grants", as: Int64.self, logger: logger).first ?? 0)
    }

    private static let grantColumns =
        "user_code, client_name, created_at, expires_at, interval_ms, last_poll_at, state, decided_by"
    private typealias GrantRow = (String, String, Int64, Int64, Int64, Int64?, String, UUID?)

    private static func grant(_ row: GrantRow) throws -> DeviceGrant {
        let (userCode, name, created, expires, interval, lastPoll, state, decidedBy) = row
        return DeviceGrant(
            userCode: userCode, clientName: name, createdAtMs: created, expiresAtMs: expires, intervalMs: interval,
            lastPollAtMs: lastPoll, state: try DeviceGrant.storedState(state, userCode: userCode),
            decidedBy: decidedBy)
    }
}
