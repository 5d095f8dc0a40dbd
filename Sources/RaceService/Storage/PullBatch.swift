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
