public import Foundation

/// What an op does to a caster register.
public enum OpKind: String, Codable, Sendable, CaseIterable {
    case join = "caster.join"
    case leave = "caster.leave"

    /// The register value the op writes.
    public var present: Bool { self == .join }
}

/// One caster-membership change, stamped with an HLC: the unit of sync.
public struct Op: Codable, Hashable, Sendable {
    public var opID: UUID
    public var kind: OpKind
    public var raceID: UUID
    public var userID: UUID
    public var hlc: HLC

    /// A new op; without an `opID` it gets a time-ordered one (`UUIDv7`) from its HLC's wall time.
    public init(opID: UUID? = nil, kind: OpKind, raceID: UUID, userID: UUID, hlc: HLC) {
        self.opID = opID ?? UUIDv7.make(milliseconds: hlc.wallMs)
        self.kind = kind
        self.raceID = raceID
        self.userID = userID
        self.hlc = hlc
    }

    enum CodingKeys: String, CodingKey {
        case opID = "op_id"
        case kind
        case raceID = "race_id"
        case userID = "user_id"
        case hlc
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(opID, forKey: .opID)
        try c.encode(kind, forKey: .kind)
        try c.encodeID(raceID, forKey: .raceID)
        try c.encodeID(userID, forKey: .userID)
        try c.encode(hlc, forKey: .hlc)
    }
}

/// The outcome of merging one op.
public enum OpStatus: String, Codable, Sendable {
    case applied, superseded, duplicate, rejected
}

/// The write an op lost to: the register's value when the op arrived, and who wrote it.
public struct OpWinner: Codable, Hashable, Sendable {
    public var hlc: HLC
    public var user: User
    public var kind: OpKind

    public init(hlc: HLC, user: User, kind: OpKind) {
        self.hlc = hlc
        self.user = user
        self.kind = kind
    }
}

/// The hub's answer for one op, as recorded and as sent back.
public struct OpResult: Codable, Hashable, Sendable {
    public var opID: UUID
    public var status: OpStatus
    public var code: Int?
    public var detail: String?
    /// For `superseded`: the newer write that won, so no lost write goes unexplained.
    public var winner: OpWinner?

    public init(opID: UUID, status: OpStatus, code: Int? = nil, detail: String? = nil, winner: OpWinner? = nil) {
        self.opID = opID
        self.status = status
        self.code = code
        self.detail = detail
        self.winner = winner
    }

    enum CodingKeys: String, CodingKey {
        case opID = "op_id"
        case status, code, detail, winner
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(opID, forKey: .opID)
        try c.encode(status, forKey: .status)
        try c.encode(code, forKey: .code)
        try c.encode(detail, forKey: .detail)
        try c.encode(winner, forKey: .winner)
    }
}
