import Foundation
import Logging
import PostgresTestSupport
import RaceService
import SyncCore
import SyncPostgres
import SyncStore
import Synchronization
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
/// use cases (`Hub`) the HTTP layer sees.
struct TestHub: Sendable {
    let backend: Backend
    let storage: Hub
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
            let storage = store.hub
            return TestHub(
                backend: backend, storage: storage, live: storage,
                addUser: { login in try await store.hub.addUser(login: login, displayName: nil) },
                close: {
                    try? store.close()
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                })
        case .postgres:
            guard let url = try await TestPostgres.freshDatabase() else { return nil }
            let store = try await PostgresHubStore.open(
                url, maxConnections: 8, timeout: TestPostgres.timeout, logger: TestPostgres.logger, now: { clock.now },
                snapshotFiles: ReplicaSnapshotWriter())
            return TestHub(
                backend: backend, storage: store.hub, live: store.hub,
                addUser: { login in try await store.hub.addUser(login: login, displayName: nil) },
                close: { store.close() })
        }
    }
}

/// Databases on the test run's PostgreSQL server (see `PostgresTestServer`).
/// A new empty folder under the temporary directory (the test removes it).
func temporaryFolder(_ name: String) throws -> String {
    let folder = NSTemporaryDirectory() + "racesync-\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

enum TestPostgres {
    static let logger: Logger = {
        var logger = Logger(label: "racesync.test.postgres")
        logger.logLevel = .critical
        return logger
    }()

    static var adminURL: String? { PostgresTestServer.adminURL }

    /// A store call's limit in tests: generous, as every suite runs at once on a small machine
    /// (the restart test sets its own, short one).
    static let timeout: Duration = .seconds(30)

    /// A new database on the test server (empty, or loaded from the SQL file `file`); nil (skip)
    /// when there is no server and it is not required, a recorded failure when it is.
    static func freshDatabase(loading file: String? = nil) async throws -> PostgresURL? {
        if let missing = PostgresTestServer.missing {
            if PostgresTestServer.isRequired {
                Issue.record("RACESYNC_REQUIRE_POSTGRES is set but there is \(missing)")
            } else {
                print("note: PostgreSQL tests skipped: \(missing)")
            }
            return nil
        }
        return try PostgresURL(try PostgresTestServer.freshDatabase(loading: file))
    }
}
