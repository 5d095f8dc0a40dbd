public import Foundation
public import SyncCore

/// A page of the change log as the hub serves it (payloads kept as stored JSON text).
public struct PullBatch: Sendable {
    public var entries: [(seq: Int64, kind: String, key: String, payload: String)]
    public var cursor: PullCursor
    public var hasMore: Bool
    public var reset: Bool

    public init(
        entries: [(seq: Int64, kind: String, key: String, payload: String)], cursor: PullCursor, hasMore: Bool,
        reset: Bool
    ) {
        self.entries = entries
        self.cursor = cursor
        self.hasMore = hasMore
        self.reset = reset
    }

    /// A page of the changes after position `after`, read with `limit`, of a log whose last
    /// position is `head`. Positions have gaps (a row written again leaves its old one), so a
    /// page shorter than `limit` holds everything after `after` and ends at the head; a full
    /// page ends at its last change. The same rule for every backend.
    public static func page(
        _ entries: [(seq: Int64, kind: String, key: String, payload: String)], storeID: String, after: Int64,
        head: Int64, limit: Int
    ) -> PullBatch {
        let cursor = PullCursor(storeID: storeID, seq: entries.count < limit ? head : entries.last?.seq ?? after)
        return PullBatch(entries: entries, cursor: cursor, hasMore: cursor.seq < head, reset: false)
    }

    /// The answer to a cursor the store cannot serve (another store's, or past the head):
    /// start again from the beginning of a log whose last position is `head`.
    public static func reset(storeID: String, head: Int64) -> PullBatch {
        PullBatch(entries: [], cursor: PullCursor(storeID: storeID, seq: 0), hasMore: head > 0, reset: true)
    }

    /// The response body of `GET /api/sync/pull`, built without re-encoding the payloads.
    public func json() -> Data {
        var out = "{\"changes\":["
        for (index, entry) in entries.enumerated() {
            if index > 0 { out += "," }
            out +=
                "{\"seq\":\(entry.seq),\"kind\":\(JSONText.quote(entry.kind)),\"key\":\(JSONText.quote(entry.key)),\"data\":\(entry.payload)}"
        }
        out += "],\"cursor\":\(JSONText.quote(cursor.text)),\"has_more\":\(hasMore),\"reset\":\(reset)}"
        return Data(out.utf8)
    }
}
