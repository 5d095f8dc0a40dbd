import Foundation
import Logging
import RaceService
import RaceSyncCommand
import SyncCore
import SyncStore

#if PostgreSQL
    import SyncPostgres
#endif

/// The hub's store, chosen by `--db`: a PostgreSQL URL (or `RACESYNC_DATABASE_URL` when `--db`
/// is absent) puts it on PostgreSQL, anything else is a SQLite file.
enum HubBackend {
    case sqlite(HubStore)
    #if PostgreSQL
        case postgres(PostgresHubStore)
    #endif

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
        if StoreLocation.isPostgres(location) {
            return try await openPostgres(location, fromCommandLine: db != nil, logger: logger)
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
        #if PostgreSQL
            case .postgres(let store): return store.hub
        #endif
        }
    }

    /// Where the store is, for logs (never a password).
    var description: String {
        switch self {
        case .sqlite(let store): return store.path
        #if PostgreSQL
            case .postgres(let store): return store.url.description
        #endif
        }
    }

    func close() {
        switch self {
        case .sqlite(let store): try? store.close()
        #if PostgreSQL
            case .postgres(let store): store.close()
        #endif
        }
    }
}
