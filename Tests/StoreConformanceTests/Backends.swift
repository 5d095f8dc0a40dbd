import Foundation
import Logging
import PostgresNIO
import Synchronization
import SyncCore
import SyncPostgres
import SyncStore
import Testing

/// The hub store backends every conformance test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A wall clock the test moves by hand (both backends read the same times).
final class TestClock: Sendable {
    private let value = Atomic<Int64>(1_790_000_000_000)
    var now: Int64 { value.load(ordering: .relaxed) }
    func advance(_ ms: Int64) { value.add(ms, ordering: .relaxed) }
}

/// A hub store of either backend, with the admin operations (`syncd user add`) beside the
/// `HubStorage` the HTTP layer sees.
struct TestHub: Sendable {
    let backend: Backend
    let storage: any HubStorage
    let live: any LiveStatusStore
    let addUser: @Sendable (String) async throws -> (user: User, token: String)
    let close: @Sendable () -> Void

    func user(_ login: String) async throws -> User { try await addUser(login).user }

    /// A fresh, empty store; nil when PostgreSQL is not configured and not required (the test
    /// is then skipped; `make test` always provides and requires it).
    static func make(_ backend: Backend, clock: TestClock = TestClock()) async throws -> TestHub? {
        switch backend {
        case .sqlite:
            let path = NSTemporaryDirectory() + "racesync-conf-\(UUID().uuidString.prefix(8)).sqlite"
            let store = try HubStore(path: path, now: { clock.now })
            let storage = SQLiteHubStorage(store)
            return TestHub(
                backend: backend, storage: storage, live: storage,
                addUser: { login in try store.addUser(login: login, displayName: nil) },
                close: {
                    try? store.close()
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                })
        case .postgres:
            guard let url = try await TestPostgres.freshDatabase() else { return nil }
            let store = try await PostgresHubStore.open(url, maxConnections: 8, logger: TestPostgres.logger, now: { clock.now })
            return TestHub(
                backend: backend, storage: store, live: store,
                addUser: { login in try await store.addUser(login: login, displayName: nil) }, close: { store.close() })
        }
    }
}

/// The PostgreSQL server of the test run: `make test` starts a throwaway cluster
/// (`scripts/pg-test-cluster run`) and names it in `RACESYNC_TEST_POSTGRES_URL`; each test gets
/// a database of its own.
enum TestPostgres {
    static let logger: Logger = {
        var logger = Logger(label: "racesync.test.postgres")
        logger.logLevel = .critical
        return logger
    }()

    static var adminURL: String? { ProcessInfo.processInfo.environment["RACESYNC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// A new empty database on the test server; nil (skip) when there is no server and
    /// `RACESYNC_REQUIRE_POSTGRES` is not set, a failure when it is.
    static func freshDatabase() async throws -> PostgresURL? {
        guard let admin = adminURL else {
            if ProcessInfo.processInfo.environment["RACESYNC_REQUIRE_POSTGRES"] == "1" {
                Issue.record("RACESYNC_REQUIRE_POSTGRES is set but RACESYNC_TEST_POSTGRES_URL is not: run the tests with `make test`")
            } else {
                print("note: PostgreSQL tests skipped (no RACESYNC_TEST_POSTGRES_URL; `make test` starts a server)")
            }
            return nil
        }
        var url = try PostgresURL(admin)
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await execute(url, "CREATE DATABASE \(name)")
        url.database = name
        return url
    }

    /// Runs one statement on its own connection.
    static func execute(_ url: PostgresURL, _ sql: String) async throws {
        let connection = try await PostgresConnection.connect(configuration: url.testConfiguration, id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }
}

extension PostgresURL {
    var testConfiguration: PostgresConnection.Configuration {
        if let socketFolder {
            return .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        return .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
    }
}
