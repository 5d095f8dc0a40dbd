import Foundation

/// The body of `POST /api/sync/push`.
public struct PushRequest: Codable, Sendable {
    public var nodeID: String
    public var ops: [Op]

    /// At most this many ops per push.
    public static let maxOps = 1000

    public init(nodeID: String, ops: [Op]) {
        self.nodeID = nodeID
        self.ops = ops
    }

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id"
        case ops
    }
}

/// The answer to a push: one result per op, in order, and the hub's clock.
public struct PushResponse: Codable, Sendable {
    public var results: [OpResult]
    public var hlc: HLC

    public init(results: [OpResult], hlc: HLC) {
        self.results = results
        self.hlc = hlc
    }
}

/// One page of the hub's change log.
public struct PullPage: Decodable, Sendable {
    /// A pull's `limit`: 500 unless asked, at most 5000 (contract §3).
    public static let defaultLimit = 500
    public static let maxLimit = 5000

    public var changes: [Change]
    public var cursor: String
    public var hasMore: Bool
    public var reset: Bool

    public init(changes: [Change], cursor: String, hasMore: Bool, reset: Bool) {
        self.changes = changes
        self.cursor = cursor
        self.hasMore = hasMore
        self.reset = reset
    }

    enum CodingKeys: String, CodingKey {
        case changes, cursor, reset
        case hasMore = "has_more"
    }
}

/// A pull cursor: the hub store it comes from and the last log sequence number seen.
/// On the wire it is the opaque string `"<store id>.<seq>"`.
public struct PullCursor: Equatable, Sendable {
    public var storeID: String
    public var seq: Int64

    public init(storeID: String, seq: Int64) {
        self.storeID = storeID
        self.seq = seq
    }

    /// Parses a cursor; nil when it is not well-formed.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
            parts[0].allSatisfy({ $0.isHexDigit }), let seq = Int64(parts[1]), seq >= 0
        else { return nil }
        self.storeID = String(parts[0])
        self.seq = seq
    }

    public var text: String { "\(storeID).\(seq)" }
}
