public import Foundation
import GRDB
import SyncCore

extension HubStore {
    /// Lowercase logins of the participants and casters of setup/running races.
    public func pollTargets() throws -> [String: UUID] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT u.login, u.id FROM users u WHERE u.id IN (
                        SELECT p.user_id FROM participants p JOIN races r ON r.id = p.race_id WHERE \(StateQueries.raceIsActive)
                        UNION
                        SELECT c.user_id FROM casters c JOIN races r ON r.id = c.race_id WHERE \(StateQueries.raceIsActive) AND c.present)
                    """)
            return Dictionary(rows.map { ($0["login"] as String, $0["id"] as UUID) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
