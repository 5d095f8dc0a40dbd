import NIOCore
import NIOPosix
import PostgresNIO
import RaceService

/// Which database errors mean "the store is unavailable" (answer `503`, retry later) and which
/// mean "run the transaction again".
enum PostgresFailure {
    /// SQLSTATEs of a server that is going away or not there yet.
    private static let unavailableStates: Set<String> = [
        "57P01",  // admin_shutdown
        "57P02",  // crash_shutdown
        "57P03",  // cannot_connect_now (starting up, shutting down, recovering)
        "53300",  // too_many_connections
        "25006",  // read_only_sql_transaction: the server became a standby; the primary is elsewhere
    ]

    /// The cause of a failed transaction (postgres-nio wraps every error of a transaction,
    /// including the store's own rule violations, in `PostgresTransactionError`).
    static func cause(_ error: any Error) -> any Error {
        guard let failed = error as? PostgresTransactionError else { return error }
        return failed.beginError ?? failed.closureError ?? failed.commitError ?? failed.rollbackError ?? error
    }

    /// The error as `StoreUnavailable`, or nil when it is not about reaching the database.
    static func classify(_ error: any Error) -> StoreUnavailable? {
        let error = cause(error)
        if let unavailable = error as? StoreUnavailable { return unavailable }
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                if unavailableStates.contains(state) || state.hasPrefix("08") {
                    return StoreUnavailable("the database refused: \(error.serverInfo?[.message] ?? state)")
                }
                return nil
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .queryCancelled:
                return StoreUnavailable("the connection to the database was lost (\(error.code))")
            default:
                return nil
            }
        }
        if isSocketFailure(error) { return StoreUnavailable("cannot connect to the database (\(error))") }
        // The pool's own errors (postgres-nio's `ConnectionPoolError`, of a module it keeps private):
        // a pool closed as the store moved to another server, a lease that could not be had.
        if String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError") {
            return StoreUnavailable("the connection pool could not serve the request (\(error))")
        }
        return nil
    }

    /// Socket-level failures while connecting (refused, no such socket file) come as NIO errors.
    private static func isSocketFailure(_ cause: any Error) -> Bool {
        cause is IOError || cause is ChannelError || cause is NIOConnectionError
    }

    /// An unexpected database error, told by its SQLSTATE and server message (never the
    /// statement's bound values).
    struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }

    /// The error to report: the transaction's cause, a database error made readable.
    static func reported(_ error: any Error) -> any Error {
        let error = cause(error)
        guard let psql = error as? PSQLError else { return error }
        if let info = psql.serverInfo {
            return Unexpected(
                description: "PostgreSQL error \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")")
        }
        return Unexpected(description: "PostgreSQL client error: \(psql.code)")
    }

    /// The error of a first connection, told with where it tried to go.
    static func reported(_ error: any Error, connecting url: PostgresURL) -> any Error {
        let cause = cause(error)
        let underlying = (cause as? PSQLError)?.underlying ?? cause
        if let tls = url.explainTLSFailure(underlying) ?? url.explainTLSFailure(cause) {
            return Unexpected(description: "cannot connect to \(url): \(tls)")
        }
        if let psql = cause as? PSQLError, psql.code == .connectionError || psql.code == .serverClosedConnection {
            return Unexpected(
                description: "cannot connect to \(url): \(psql.underlying.map { "\($0)" } ?? "\(psql.code)")")
        }
        if isSocketFailure(cause) { return Unexpected(description: "cannot connect to \(url): \(cause)") }
        return Unexpected(description: "\(reported(error)) (\(url))")
    }

    /// A server that is starting up, shutting down or recovering: worth waiting for at start.
    static func isStartingUp(_ error: any Error) -> Bool {
        guard let psql = cause(error) as? PSQLError, psql.code == .server else { return false }
        return psql.serverInfo?[.sqlState] == "57P03"
    }

    /// A serialization failure or a deadlock: the transaction may simply run again.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = cause(error) as? PSQLError, error.code == .server else { return false }
        let state = error.serverInfo?[.sqlState]
        return state == "40001" || state == "40P01"
    }
}
