import Foundation
import Logging
import RaceService
import RaceSyncCommand
import SyncCore
import SyncPostgres
import SyncStore

/// The hub's store, chosen by `--db`: a PostgreSQL URL (or `RACESYNC_DATABASE_URL` when `--db`
/// is absent) puts it on PostgreSQL, anything else is a SQLite file.
enum HubBackend {
    case sqlite(HubStore)
    case postgres(PostgresHubStore)

    /// The environment variable naming the hub's database when `--db` is absent.
    static let environmentKey = "RACESYNC_DATABASE_URL"

    /// What `--db` (or the environment, or the default file) names.
    static func location(_ db: String?) -> String {
        db ?? ProcessInfo.processInfo.environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 }
            ?? DefaultPaths.hubDatabase()
    }

    /// Opens the store; failures are the user's (`CommandFailure.user`) with a clear message.
    static func open(_ db: String?, serving: Bool, logger: Logger) async throws -> HubBackend {
        let location = location(db)
        if PostgresURL.isPostgres(location) {
            do {
                var url = try PostgresURL(location)
                if url.password != nil, db != nil {
                    logger.warning(
                        "the --db URL carries a password, which other users can see in ps; put it in RACESYNC_DATABASE_URL or PGPASSWORD instead"
                    )
                }
                for warning in url.warnings { logger.warning("\(warning)") }
                if !url.ignoredParameters.isEmpty {
                    logger.warning(
                        "ignoring PostgreSQL URL parameters the hub does not use: \(url.ignoredParameters.joined(separator: ", "))"
                    )
                }
                if url.password == nil, let password = ProcessInfo.processInfo.environment["PGPASSWORD"],
                    !password.isEmpty
                {
                    url.password = password
                }
                var postgresLogger = Logger(label: "racesync.postgres")
                postgresLogger.logLevel = logger.logLevel <= .debug ? logger.logLevel : .warning
                return .postgres(
                    try await PostgresHubStore.open(url, logger: postgresLogger, snapshotFiles: ReplicaSnapshotWriter())
                )
            } catch let error as PostgresURL.Invalid {
                throw CommandFailure.user(error.description)
            } catch {
                throw CommandFailure.user("cannot open the PostgreSQL store: \(error)")
            }
        }
        do {
            let store = try HubStore(path: location, beginEpoch: serving)
            if let recovery = store.recovery {
                logger.notice("store recovered after a crash: \(recovery)", metadata: ["db": "\(location)"])
            }
            if let upgrade = store.upgrade {
                logger.notice("store \(upgrade)", metadata: ["db": "\(location)"])
            }
            return .sqlite(store)
        } catch {
            throw CommandFailure.user("\(error)")
        }
    }

    /// The use cases over this store: what the HTTP layer, the Twitch poller and `syncd user` use.
    var hub: Hub {
        switch self {
        case .sqlite(let store): return store.hub
        case .postgres(let store): return store.hub
        }
    }

    /// Where the store is, for logs (never a password).
    var description: String {
        switch self {
        case .sqlite(let store): return store.path
        case .postgres(let store): return store.url.description
        }
    }

    func close() {
        switch self {
        case .sqlite(let store): try? store.close()
        case .postgres(let store): store.close()
        }
    }
}
