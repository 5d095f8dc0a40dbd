import Foundation
public import PostgresNIO
import RaceService

/// A PostgreSQL database named by URL: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`, or a Unix
/// socket folder with `?host=/run/postgresql` (as libpq reads it), with libpq's `sslmode` and
/// `sslrootcert` for TCP (`PostgresTLS.swift`). The password is kept out of `description`, so a
/// URL can be logged.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var database: String
    /// A TCP host, or nil with `socketFolder`: the first of `servers`.
    public var host: String?
    public var port: Int
    /// Every TCP server the URL names, in order (libpq's multi-host form `h1:5432,h2:5432`);
    /// empty with `socketFolder`.
    public var servers: [PostgresServer]
    /// Which server's session the hub keeps (libpq's `target_session_attrs`; `any` unless named).
    public var targetSession: TargetSession
    /// The folder holding `.s.PGSQL.<port>`.
    public var socketFolder: String?
    /// Whether and how a TCP connection is encrypted (`sslmode`; `prefer` unless named).
    public var tlsMode: TLSMode
    /// The certificate authorities a server certificate is verified against (`sslrootcert`);
    /// the system's when nil.
    public var rootCertificateFile: String?
    /// Query parameters the hub does not use (libpq's `application_name`, `connect_timeout`, …),
    /// for a warning; unknown TLS parameters are refused instead.
    public var ignoredParameters: [String]

    /// Whether `text` names PostgreSQL rather than a SQLite file (`StoreLocation`).
    public static func isPostgres(_ text: String) -> Bool { StoreLocation.isPostgres(text) }

    /// Why a URL was refused.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws(Invalid) {
        let (single, servers) = try Self.splitServers(text)
        guard Self.isPostgres(text), let parts = URLComponents(string: single) else {
            throw Invalid(
                description:
                    "not a PostgreSQL URL; use postgresql://USER@HOST[:PORT]/DB or postgresql://USER@/DB?host=/socket/folder"
            )
        }
        // Percent-decoded exactly once (a password holding "%41" written as "%2541" stays "%41").
        guard let encodedUser = parts.percentEncodedUser, !encodedUser.isEmpty,
            let user = encodedUser.removingPercentEncoding
        else {
            throw Invalid(description: "the PostgreSQL URL names no user (postgresql://USER@HOST/DB)")
        }
        let encodedDatabase = String(parts.percentEncodedPath.drop { $0 == "/" })
        guard !encodedDatabase.isEmpty, !encodedDatabase.contains("/"),
            let database = encodedDatabase.removingPercentEncoding
        else {
            throw Invalid(description: "the PostgreSQL URL names no database (postgresql://USER@HOST/DB)")
        }
        self.user = user
        if let encoded = parts.percentEncodedPassword {
            guard let decoded = encoded.removingPercentEncoding else {
                throw Invalid(description: "the PostgreSQL URL's password is not valid percent-encoding")
            }
            self.password = decoded
        } else {
            self.password = nil
        }
        self.database = database
        self.port = parts.port ?? 5432
        guard (1...65535).contains(port) else {
            throw Invalid(description: "the PostgreSQL URL's port must be in 1...65535")
        }
        let query = parts.queryItems ?? []
        let socket = query.first { $0.name == "host" }?.value
        let unknown = query.map(\.name).filter {
            !["host", "sslmode", "sslrootcert", "target_session_attrs"].contains($0)
        }
        let attrs = query.first { $0.name == "target_session_attrs" }?.value ?? "any"
        guard let target = TargetSession(rawValue: attrs) else {
            throw Invalid(
                description:
                    "target_session_attrs=\(attrs) is not one of any, read-write, read-only, primary, standby, prefer-standby"
            )
        }
        targetSession = target
        // A security setting that is not honoured would leave the connection weaker than asked for.
        if let tlsSetting = unknown.first(where: {
            $0.hasPrefix("ssl") || $0 == "requiressl" || $0 == "channel_binding"
        }) {
            throw Invalid(
                description:
                    "the PostgreSQL URL parameter \(tlsSetting) is not supported (TLS settings: sslmode, sslrootcert)")
        }
        ignoredParameters = unknown
        (tlsMode, rootCertificateFile) = try Self.tls(query, overSocket: socket?.hasPrefix("/") == true)
        if let socket, socket.hasPrefix("/") {
            guard servers.count <= 1 else {
                throw Invalid(description: "the PostgreSQL URL names both TCP hosts and a socket folder (?host=/…)")
            }
            self.socketFolder = socket
            self.host = nil
            self.servers = []
        } else if let first = servers.first {
            self.host = first.host
            self.port = first.port
            self.socketFolder = nil
            self.servers = servers
        } else {
            throw Invalid(
                description: "the PostgreSQL URL names no host (postgresql://USER@HOST/DB, or ?host=/socket/folder)")
        }
    }

    /// What an operator should know at start: TLS that does not check who answers, to a
    /// server that is not on this machine.
    public var warnings: [String] {
        guard let host, rootCertificateFile == nil, tlsMode == .prefer || tlsMode == .require, !Self.isLocal(host)
        else { return [] }
        return [
            "sslmode=\(tlsMode.rawValue) without sslrootcert encrypts the connection to \(host) but does not check who answers; "
                + "add sslmode=verify-full&sslrootcert=/path/to/ca.crt"
        ]
    }

    static func isLocal(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]"
            || (host.hasPrefix("127.") && host.split(separator: ".").count == 4
                && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
    }

    public var description: String {
        let target = targetSession == .any ? "" : "&target_session_attrs=\(targetSession.rawValue)"
        let place =
            socketFolder.map { "@/\(database)?host=\($0)" }
            ?? "@\(servers.map(\.description).joined(separator: ","))/\(database)?sslmode=\(tlsMode.rawValue)\(target)"
        return "postgresql://\(user)\(password == nil ? "" : ":***")\(place)"
    }

    /// The pool's configuration, on `server` (the first when nil; ignored for a socket).
    func clientConfiguration(maxConnections: Int, server: PostgresServer? = nil) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            configuration = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            let server = server ?? servers[0]
            configuration = .init(
                host: server.host, port: server.port, username: user, password: password, database: database,
                tls: clientTLS)
        }
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 1
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }

    /// One connection's configuration (the listener's and the leader's own connections).
    /// Throws when the TLS set-up cannot be made (an unreadable `sslrootcert`).
    public func connectionConfiguration(server: PostgresServer? = nil) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketFolder {
            configuration = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            let server = server ?? servers[0]
            configuration = .init(
                host: server.host, port: server.port, username: user, password: password, database: database,
                tls: try connectionTLS())
        }
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }
}
