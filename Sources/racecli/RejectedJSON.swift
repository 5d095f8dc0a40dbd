import Foundation
import SyncCore
import SyncNode
import SyncStore

/// A rejected op as `status --json` and `sync --json` print it.
struct RejectedJSON: Encodable {
    var opID: UUID
    var kind: OpKind
    var raceID: UUID
    var code: Int
    var detail: String

    enum CodingKeys: String, CodingKey {
        case opID = "op_id"
        case kind
        case raceID = "race_id"
        case code, detail
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(opID, forKey: .opID)
        try c.encode(kind, forKey: .kind)
        try c.encodeID(raceID, forKey: .raceID)
        try c.encode(code, forKey: .code)
        try c.encode(detail, forKey: .detail)
    }
}

/// An overridden write as `status --json` prints it.
struct OverriddenJSON: Encodable {
    var entry: OverriddenOp

    enum CodingKeys: String, CodingKey {
        case opID = "op_id"
        case kind
        case raceID = "race_id"
        case at, by
        case byKind = "by_kind"
        case byAt = "by_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(entry.opID, forKey: .opID)
        try c.encode(entry.kind, forKey: .kind)
        try c.encodeID(entry.raceID, forKey: .raceID)
        try c.encode(entry.at, forKey: .at)
        try c.encode(entry.by, forKey: .by)
        try c.encode(entry.byKind.rawValue, forKey: .byKind)
        try c.encode(entry.byAt, forKey: .byAt)
    }
}
