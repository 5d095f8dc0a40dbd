import Foundation
import GRDB
public import RaceService
public import SyncCore

extension HubStore {

    /// The change log after `since` (nil: from the start), at most `limit` entries.
    /// A cursor this store cannot place (another store, a later epoch than a restored backup
    /// knows, beyond the log's end) answers `reset` with a cursor at the start. Compaction never
    /// resets: the log keeps the newest change of every row, so any cursor can be served.
    public func pull(since: PullCursor?, limit: Int) throws -> PullBatch {
        try read { db in
            let last = try RowLog.lastSeq(db)
            if let since, try !LogEpochs.canServe(db, since, currentEpoch: storeID, lastSeq: last) {
                return PullBatch.reset(storeID: storeID, head: last)
            }
            let after = since?.seq ?? 0
            let rows = try RowLog.entries(db, after: after, limit: limit)
            return PullBatch.page(
                rows.map { ($0.seq, $0.kind, $0.key, $0.payload) }, storeID: storeID, after: after, head: last,
                limit: limit)
        }
    }
}
