import Foundation

/// A PostgreSQL HA cluster of one test's own, run by pg_auto_failover
/// (`scripts/pg-auto-failover-cluster`): a monitor and two data nodes, `node1` (the first
/// primary) and `node2` (its synchronous standby), each kept by a `pg_autoctl` keeper. The monitor
/// promotes the standby by itself when the primary's node is lost.
public final class AutoFailoverCluster: Sendable {
    public let folder: String
    /// The hub's multi-host URL of both nodes (`target_session_attrs=read-write`).
    public let url: String

    /// Why the cluster cannot be made here (pg_auto_failover is not installed), or nil.
    public static var missing: String? {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/pg_autoctl")
            ? nil
            : "no pg_autoctl (`make test` installs postgresql-15-auto-failover and pg-auto-failover-cli)"
    }

    /// Makes the cluster and waits until node1 is primary and node2 its secondary. A start that
    /// fails (a free port taken by another test before the server bound it, a monitor too slow
    /// under the whole suite's load) is stopped and removed, and tried once more in a new folder.
    public init() throws {
        var attempt = 1
        while true {
            let folder = "/tmp/racesync-paf-\(UUID().uuidString.prefix(8))"
            do {
                url = try Spawn.check("'\(Self.script)' start '\(folder)'")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                self.folder = folder
                return
            } catch {
                // deinit does not run for an init that throws: stop what the start left running.
                Self.remove(folder)
                if attempt == 2 { throw error }
                attempt += 1
            }
        }
    }

    /// The name of the node that is primary now.
    public func primary() throws -> String {
        try run("primary").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The whole data node dies: `kill -9` of its keeper and of its PostgreSQL.
    public func killNode(_ node: String) { _ = try? run("kill-node", node) }

    /// `kill -9` of the node's postmaster only; its keeper restarts it.
    public func killPostgres(_ node: String) { _ = try? run("kill-postgres", node) }

    /// A planned switchover; returns once the other node is primary.
    public func switchover() throws { try run("switchover") }

    /// Returns once a node takes writes again (a read-write session, as the hub looks for).
    public func waitUntilWritable() throws { try run("wait-writable") }

    /// The monitor's view of the nodes (`pg_autoctl show state`), for failure messages.
    public func state() -> String { (try? run("state")) ?? "(no state)" }

    @discardableResult
    private func run(_ command: String, _ node: String = "") throws -> String {
        try Spawn.check("'\(Self.script)' \(command) '\(folder)' \(node)")
    }

    deinit { Self.remove(folder) }

    /// Stops every keeper and server of the cluster in `folder`, then deletes the folder.
    private static func remove(_ folder: String) {
        _ = try? Spawn.check("'\(script)' stop '\(folder)'")
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let script = PrivateCluster.checkoutScript("pg-auto-failover-cluster")
}
