import Logging
import PostgresNIO
import RaceService

/// Finds, among a URL's servers (libpq's multi-host form), the one whose session the hub keeps
/// (`target_session_attrs`), in order as libpq does: the pool, the change listener and the
/// leader's connection all go there, and go looking again after an outage.
enum PostgresServerChoice {
    /// A connection to the first server that fits, and which server that is (nil: the socket).
    /// Throws `StoreUnavailable` naming why each server was passed over.
    static func connect(_ url: PostgresURL, id: Int, logger: Logger) async throws -> (
        PostgresConnection, PostgresServer?
    ) {
        let candidates: [PostgresServer?] = url.servers.isEmpty ? [nil] : url.servers
        let needsCheck = url.targetSession != .any
        var passed: [String] = []
        var fallback: (PostgresConnection, PostgresServer?)?
        for server in candidates {
            let name = server?.description ?? "the socket"
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(
                    configuration: url.connectionConfiguration(server: server), id: id, logger: logger)
            } catch {
                // With one server, its own error says most (a wrong password, a TLS failure, ...).
                if candidates.count == 1 { throw error }
                passed.append("\(name): unreachable")
                continue
            }
            guard needsCheck else { return (connection, server) }
            do {
                let (inRecovery, readOnly) = try await state(of: connection, logger: logger)
                if url.targetSession == .preferStandby, !inRecovery {
                    if fallback == nil { fallback = (connection, server) } else { try? await connection.close() }
                    continue
                }
                if url.targetSession.accepts(inRecovery: inRecovery, readOnly: readOnly) {
                    if let (spare, _) = fallback { try? await spare.close() }
                    return (connection, server)
                }
                passed.append("\(name): \(inRecovery ? "a standby" : readOnly ? "read-only" : "read-write")")
            } catch {
                passed.append("\(name): \(error)")
            }
            try? await connection.close()
        }
        if let fallback { return fallback }
        throw StoreUnavailable(
            "no server fits target_session_attrs=\(url.targetSession.rawValue) (\(passed.joined(separator: "; "))); retry later"
        )
    }

    /// Which server fits now (its connection is closed again).
    static func find(_ url: PostgresURL, logger: Logger) async throws -> PostgresServer? {
        let (connection, server) = try await connect(url, id: 0, logger: logger)
        try? await connection.close()
        return server
    }

    /// Whether the server is a standby, and whether its sessions are read-only (what libpq asks).
    private static func state(of connection: PostgresConnection, logger: Logger) async throws -> (Bool, Bool) {
        let rows = try await connection.query(
            "SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'", logger: logger)
        for try await (inRecovery, readOnly) in rows.decode((Bool, Bool).self) { return (inRecovery, readOnly) }
        return (false, false)
    }
}
