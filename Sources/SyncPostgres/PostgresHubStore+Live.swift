public import Foundation
import PostgresNIO
import SyncCore

extension PostgresHubStore {
    /// Lowercase logins of the participants and casters of setup/running races.
    public func pollTargets() async throws -> [String: UUID] {
        try await read { [logger] connection in
            let rows = try await connection.all(
                """
                SELECT DISTINCT u.login, u.id FROM users u WHERE u.id IN (
                    SELECT p.user_id FROM participants p JOIN races r ON r.id = p.race_id WHERE \(unescaped: PostgresRows.raceIsActive)
                    UNION
                    SELECT c.user_id FROM casters c JOIN races r ON r.id = c.race_id WHERE \(unescaped: PostgresRows.raceIsActive) AND c.present)
                """, as: (String, UUID).self, logger: logger)
            return Dictionary(rows, uniquingKeysWith: { first, _ in first })
        }
    }
}
