import Foundation
import PostgresTestSupport
import Testing

/// PostgreSQL for the end-to-end tests: skipped without a server unless required.
enum PostgresE2E {
    /// Whether the test can run; records a failure when PostgreSQL is required and missing.
    static func available() -> Bool {
        guard let missing = PostgresTestServer.missing else { return true }
        if PostgresTestServer.isRequired {
            Issue.record("RACESYNC_REQUIRE_POSTGRES is set but there is \(missing)")
        } else {
            print("note: PostgreSQL end-to-end test skipped: \(missing)")
        }
        return false
    }

    /// A fresh database's URL, or nil when the test is skipped.
    static func database() throws -> String? {
        guard available() else { return nil }
        return try PostgresTestServer.freshDatabase()
    }
}
