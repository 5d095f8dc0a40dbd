import Foundation
import GRDB
import SyncCore

/// The hub store's log epochs: every start of a serving hub opens a new epoch with a new
/// random id, and pull cursors carry the id of the epoch that issued them.
///
/// This is what makes a restored backup safe. After a restore, sequence numbers past the
/// backup are issued again for different changes; a node whose cursor came from beyond the
/// backup would silently skip them. Its cursor names an epoch the restored file either does
/// not know (opened after the backup) or knows to have ended before that cursor's position
/// (the restored hub opened a new epoch at the backup's end), so it is answered `reset`.
enum LogEpochs {
    /// The current epoch id; opens a new epoch first when `begin` is true.
    static func current(_ db: Database, begin: Bool, atMs: Int64) throws -> String {
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM log_epochs") == 0 {
            let first = try Meta.getOrCreate(db, "store_id", Meta.randomHex)
            try db.execute(
                sql: "INSERT INTO log_epochs (id, start_seq, started_at) VALUES (?, 0, ?)", arguments: [first, atMs])
        }
        if begin {
            try db.execute(
                sql: "INSERT INTO log_epochs (id, start_seq, started_at) VALUES (?, ?, ?)",
                arguments: [Meta.randomHex(), try RowLog.lastSeq(db), atMs])
        }
        guard let id = try String.fetchOne(db, sql: "SELECT id FROM log_epochs ORDER BY n DESC LIMIT 1") else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "log_epochs is empty")
        }
        return id
    }

    /// Whether this store can serve a pull after `cursor`: its epoch is known here and its
    /// position is not past the end of that epoch (nor past the log's end).
    static func canServe(_ db: Database, _ cursor: PullCursor, currentEpoch: String, lastSeq: Int64) throws -> Bool {
        guard cursor.seq <= lastSeq else { return false }
        if cursor.storeID == currentEpoch { return true }
        guard let n = try Int64.fetchOne(db, sql: "SELECT n FROM log_epochs WHERE id = ?", arguments: [cursor.storeID])
        else {
            return false
        }
        let end = try Int64.fetchOne(
            db, sql: "SELECT start_seq FROM log_epochs WHERE n > ? ORDER BY n LIMIT 1", arguments: [n])
        return end.map { cursor.seq <= $0 } ?? true
    }
}
