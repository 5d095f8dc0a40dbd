import ChildProcesses
import Foundation

/// The PostgreSQL server of a test run: `make test` starts a throwaway cluster
/// (`scripts/pg-test-cluster run`) and names it in `RACESYNC_TEST_POSTGRES_URL`; each test makes
/// a database of its own on it.
public enum PostgresTestServer {
    /// The server's admin URL, when there is one.
    public static var adminURL: String? {
        ProcessInfo.processInfo.environment["RACESYNC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether a missing server is a failure (`make test` sets `RACESYNC_REQUIRE_POSTGRES=1`).
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["RACESYNC_REQUIRE_POSTGRES"] == "1" }

    /// Why PostgreSQL tests cannot run here, or nil when they can.
    public static var missing: String? {
        adminURL == nil ? "no RACESYNC_TEST_POSTGRES_URL (`make test` starts a PostgreSQL server for the tests)" : nil
    }

    /// A URL of a new database on the test server (made with `psql`): empty, or loaded from the
    /// SQL file `loading` (a `pg_dump` of a store an earlier release wrote).
    public static func freshDatabase(loading file: String? = nil) throws -> String {
        guard let admin = adminURL else { throw PostgresTestFailure(missing ?? "no server") }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try Spawn.check("psql '\(admin)' -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE \(name)'")
        let url = database(admin, name)
        if let file { try Spawn.check("psql '\(url)' -v ON_ERROR_STOP=1 -q -f '\(file)' >/dev/null") }
        return url
    }

    /// `url` naming database `name` instead.
    public static func database(_ url: String, _ name: String) -> String {
        guard let slash = url.range(of: "/", options: [], range: url.range(of: "://")!.upperBound..<url.endIndex) else {
            return url
        }
        let rest = url[slash.upperBound...]
        let query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(url[..<slash.upperBound]) + name + query
    }
}

/// A PostgreSQL cluster of one test's own, which the test may stop and start (the fault tests),
/// made with the suite's recipe (`scripts/pg-test-cluster`).
public final class PrivateCluster: Sendable {
    public let folder: String
    /// The URL of its `postgres` database.
    public let url: String

    /// Where a private cluster listens besides its Unix socket.
    public enum Listening: String, Sendable {
        /// Nowhere else; `url` names the socket.
        case socketOnly = ""
        /// Plain TCP on 127.0.0.1, no TLS offered; `url` is a TCP URL.
        case tcp = "--tcp"
        /// TCP on 127.0.0.1 with TLS only (a test CA and a `localhost` certificate in
        /// `folder/tls`); `url` is a verify-full URL.
        case tls = "--tls"
        /// Plain TCP, durable, every commit waiting for a synchronous standby (`standby(of:)`).
        case ha = "--ha"
    }

    /// A streaming standby of `primary` (started `.ha`), on a TCP port of its own.
    public init(standbyOf primary: PrivateCluster) throws {
        folder = "/tmp/racesync-pg-\(UUID().uuidString.prefix(8))"
        url = try Spawn.check("'\(Self.script)' standby '\(primary.folder)' '\(folder)'").trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// The TCP port it listens on (nil for a socket-only cluster).
    public var port: Int? {
        (try? String(contentsOfFile: folder + "/port", encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// A standby becomes a primary.
    public func promote() throws { try Spawn.check("'\(Self.script)' promote '\(folder)'") }

    /// `kill -9` of the server's postmaster: no shutdown at all.
    public func crash() { _ = try? Spawn.check("'\(Self.script)' crash '\(folder)'") }

    /// Makes and starts the cluster.
    public init(listening: Listening = .socketOnly) throws {
        folder = "/tmp/racesync-pg-\(UUID().uuidString.prefix(8))"
        url = try Spawn.check("'\(Self.script)' start '\(folder)' \(listening.rawValue)").trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    public func start() throws { try Spawn.check("'\(Self.script)' start '\(folder)'") }

    public func stop() { _ = try? Spawn.check("'\(Self.script)' stop '\(folder)'") }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let script = checkoutScript("pg-test-cluster")

    /// `scripts/NAME` of this checkout.
    static func checkoutScript(_ name: String) -> String {
        var dir = URL(fileURLWithPath: #filePath)
        while dir.path != "/"
            && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("scripts/\(name)").path)
        {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("scripts/\(name)").path
    }
}

/// Runs shell commands as `ChildProcess`es: the database server a script starts must not inherit
/// the test process's descriptors (see `ChildProcess`), nor keep the script from being seen to exit.
enum Spawn {
    /// Runs `command` with bash; returns its stdout, throws when it fails.
    @discardableResult
    static func check(_ command: String) throws -> String {
        let output = "/tmp/racesync-spawn-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let status = try ChildProcess("/bin/bash", ["-c", command], stdout: output).waitForExit()
        guard status == 0 else { throw PostgresTestFailure("failed (\(status)): \(command)") }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}

/// A test set-up step that failed.
public struct PostgresTestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
