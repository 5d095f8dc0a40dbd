import Foundation
import GRDB
import SyncCore

extension ReplicaStore {
    /// Stores a session and installs a hub snapshot file (see `HubStore.writeSnapshot`) as the
    /// confirmed state, in one transaction: the rows are copied set-based from the attached
    /// file, and the cursor is set to the snapshot's, from where the tail is pulled. The same
    /// user rules as `login(_:snapshot:)` apply; the outbox stays.
    public func login(_ session: ReplicaSession, snapshotFile: String) throws {
        // The header check refuses another kind of file; damage is SQLite's to find, which reads
        // the file through the ATTACH below (never behind SQLite's back).
        _ = try StoreFileCheck.inspect(path: snapshotFile, kind: .replica)
        try writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS snapshot", arguments: [snapshotFile])
            defer { try? db.execute(sql: "DETACH DATABASE snapshot") }
            try db.inTransaction {
                try Self.prepareLogin(db, session)
                for table in HubStore.replicatedTables {
                    try HubStore.copyRows(db, table, from: "snapshot", to: "main")
                }
                guard
                    let cursor = try String.fetchOne(
                        db, sql: "SELECT value FROM snapshot.meta WHERE key = 'snapshot_cursor'")
                else {
                    throw StoreOpenError(path: snapshotFile, reason: "is not a hub snapshot (it has no cursor)")
                }
                try Meta.set(db, "cursor", cursor)
                try Meta.set(
                    db, "last_poll_at",
                    try String.fetchOne(db, sql: "SELECT value FROM snapshot.meta WHERE key = 'last_poll_at'"))
                try Meta.setDate(db, "last_sync_at", Timestamp.date(milliseconds: now()))
                return .commit
            }
        }
    }
}
