import Foundation
import GRDB
import SyncCore

/// The hub's change log (appended by `HubWrites.appendLog` inside the write transaction of
/// the change it records, so the two commit together or not at all).
///
/// The log is compacted by row as it is written: a key's new change replaces its previous
/// one (`INSERT OR REPLACE` on the unique key takes a fresh, larger `seq`). A fresh pull is
/// therefore bounded by the state, and a node behind at any cursor still gets the newest
/// state of every row changed after it: a row's newest change always sits after its older ones.
enum ChangeLog {
    /// A raw log row, served by pull without re-encoding its payload.
    struct Entry: Sendable {
        var seq: Int64
        var kind: String
        var key: String
        var payload: String
    }

    static func entries(_ db: Database, after seq: Int64, limit: Int) throws -> [Entry] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT seq, kind, key, payload FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?"),
            arguments: [seq, limit]
        ).map { Entry(seq: $0["seq"], kind: $0["kind"], key: $0["key"], payload: $0["payload"]) }
    }

    static func lastSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'") ?? 0
    }
}
