import Foundation
import GRDB
public import SyncCore

extension HubStore {
    /// The tables a replica holds, copied whole into a snapshot (never tokens, ops or the log).
    public static let replicatedTables = ["users", "races", "participants", "casters", "live_status"]

    /// Copies every row of `table` from schema `source` to schema `target`, in the columns the
    /// target's table has: a hub's own columns (a user's Twitch id) never reach a replica.
    static func copyRows(_ db: Database, _ table: String, from source: String, to target: String) throws {
        let columns = try Row.fetchAll(db, sql: "PRAGMA \(target).table_info(\(table))").map { row -> String in
            let name: String = row["name"]
            return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \(target).\(table) (\(columns)) SELECT \(columns) FROM \(source).\(table)")
    }

    /// Writes a consistent snapshot of the replicated state to a new replica-format SQLite file
    /// at `file` (one self-contained file) and returns the pull cursor it is valid at: a node
    /// installs it and pulls the tail from there. The file gets the replica schema first; then a
    /// connection of its own attaches it and copies every table set-based (`INSERT … SELECT`)
    /// inside one transaction, whose reads of the hub see one consistent state. The hub's
    /// writer is never held.
    /// The file is in WAL mode like every RaceSync store, with its WAL checkpointed into the
    /// main file, so the main file alone is the whole snapshot.
    public func writeSnapshot(to file: String) throws -> PullCursor {
        try StoreOpener.open(path: file, kind: .replica).close()
        var config = Configuration()
        config.busyMode = .timeout(15)
        let copier = try DatabaseQueue(path: path, configuration: config)
        defer { try? copier.close() }
        let seq = try copier.writeWithoutTransaction { db -> Int64 in
            try db.execute(sql: "ATTACH DATABASE ? AS snapshot", arguments: [file])
            defer { try? db.execute(sql: "DETACH DATABASE snapshot") }
            try db.execute(sql: "PRAGMA snapshot.synchronous = OFF")
            var seq: Int64 = 0
            try db.inTransaction(.deferred) {
                seq = try RowLog.lastSeq(db)
                for table in Self.replicatedTables { try Self.copyRows(db, table, from: "main", to: "snapshot") }
                let cursor = PullCursor(storeID: storeID, seq: seq)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO snapshot.meta (key, value) VALUES ('snapshot_cursor', ?)",
                    arguments: [cursor.text])
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO snapshot.meta (key, value) SELECT key, value FROM main.meta WHERE key = 'last_poll_at'"
                )
                return .commit
            }
            return seq
        }
        let target = try DatabaseQueue(path: file)
        try target.writeWithoutTransaction { db in _ = try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try target.close()
        return PullCursor(storeID: storeID, seq: seq)
    }
}
