import Foundation
import GRDB

extension HubStore {
    /// The tables a replica holds, copied whole into a snapshot (never tokens, ops or the log).
    static let replicatedTables = ["users", "races", "participants", "casters", "live_status"]

    /// Writes a consistent snapshot of the replicated state to a new replica-format SQLite file
    /// at `path` (one self-contained file), taken inside one read transaction, and
    /// returns the pull cursor it is valid at: a node installs it and pulls the tail from there.
    /// The file is in WAL mode like every RaceSync store, with its WAL checkpointed into the
    /// main file, so the main file alone is the whole snapshot.
    public func writeSnapshot(to path: String) throws -> PullCursor {
        let target = try StoreOpener.open(path: path, kind: .replica)
        do {
            let cursor = try read { hub -> PullCursor in
                let cursor = PullCursor(storeID: storeID, seq: try ChangeLog.lastSeq(hub))
                try target.write { snapshot in
                    for table in Self.replicatedTables { try Self.copy(table, from: hub, to: snapshot) }
                    try Meta.set(snapshot, "snapshot_cursor", cursor.text)
                    try Meta.set(snapshot, "last_poll_at", try Meta.get(hub, "last_poll_at"))
                }
                return cursor
            }
            try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try target.close()
            return cursor
        } catch {
            try? target.close()
            throw error
        }
    }

    /// Copies every row of `table` (same schema on both sides) in one prepared insert.
    static func copy(_ table: String, from source: Database, to target: Database) throws {
        let rows = try Row.fetchCursor(source, sql: "SELECT * FROM \(table)")
        var insert: Statement?
        while let row = try rows.next() {
            if insert == nil {
                let columns = row.columnNames.joined(separator: ", ")
                insert = try target.makeStatement(
                    sql: "INSERT INTO \(table) (\(columns)) VALUES (\(databaseQuestionMarks(count: row.count)))")
            }
            try insert?.execute(arguments: StatementArguments(row.databaseValues))
        }
    }
}
