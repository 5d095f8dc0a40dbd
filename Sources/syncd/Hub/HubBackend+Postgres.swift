import Foundation
import Logging
import RaceSyncCommand

#if PostgreSQL
    import SyncPostgres
    import SyncStore
#endif

extension HubBackend {
    /// Opens the PostgreSQL store `location` names; `fromCommandLine` when it came from `--db`
    /// (where other users can read it in `ps`). Failures are the user's, with a clear message.
    static func openPostgres(_ location: String, fromCommandLine: Bool, logger: Logger) async throws -> HubBackend {
        #if PostgreSQL
            do {
                var url = try PostgresURL(location)
                if url.password != nil, fromCommandLine {
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
        #else
            throw CommandFailure.user(
                "this syncd was built without PostgreSQL (`make run` builds a SQLite-only hub, to start sooner); build the full one with `make build` to use a postgresql:// store"
            )
        #endif
    }
}
