public import Foundation

/// One entry of the hub's change log, as `GET /api/sync/pull` serves it.
///
/// Every change carries the whole new state of its key (not a delta), so the newest change
/// per key is enough to rebuild a replica and old entries can be compacted. See docs/sync.md.
public struct Change: Decodable, Sendable, Equatable {
    public var seq: Int64
    public var key: String
    public var data: ChangeData

    enum CodingKeys: String, CodingKey { case seq, kind, key, data }

    public init(seq: Int64, key: String, data: ChangeData) {
        self.seq = seq
        self.key = key
        self.data = data
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(Int64.self, forKey: .seq)
        key = try c.decode(String.self, forKey: .key)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "user": data = .user(try c.decode(User.self, forKey: .data))
        case "race": data = .race(try c.decode(RaceState.self, forKey: .data))
        case "participant": data = .participant(try c.decode(ParticipantState.self, forKey: .data))
        case "caster": data = .caster(try c.decode(CasterState.self, forKey: .data))
        case "live": data = .live(try c.decode(LiveState.self, forKey: .data))
        case "poll": data = .poll(try c.decode(PollState.self, forKey: .data))
        default: data = .unknown(kind)
        }
    }
}

/// The state a change carries, by kind.
public enum ChangeData: Sendable, Equatable {
    case user(User)
    case race(RaceState)
    case participant(ParticipantState)
    case caster(CasterState)
    case live(LiveState)
    /// A successful Twitch poll: every stream still live was seen by it.
    case poll(PollState)
    /// A kind this version does not know; skipped so old nodes keep working.
    case unknown(String)

    /// The `kind` string on the wire.
    public var kind: String {
        switch self {
        case .user: return "user"
        case .race: return "race"
        case .participant: return "participant"
        case .caster: return "caster"
        case .live: return "live"
        case .poll: return "poll"
        case .unknown(let kind): return kind
        }
    }

    /// The log key: the newest change of a key holds its whole state.
    public var key: String {
        switch self {
        case .user(let u): return "user:\(u.id.lowercased)"
        case .race(let r): return "race:\(r.race.id.lowercased)"
        case .participant(let p): return "participant:\(p.raceID.lowercased):\(p.userID.lowercased)"
        case .caster(let c): return "caster:\(c.raceID.lowercased):\(c.userID.lowercased)"
        case .live(let l): return "live:\(l.userID.lowercased)"
        case .poll: return "poll"
        case .unknown(let kind): return kind
        }
    }

    /// The `data` object's JSON (caster payloads, one per merged op, skip `JSONEncoder`).
    public func payload() throws -> Data {
        let encoder = WireJSON.encoder()
        switch self {
        case .user(let v): return try encoder.encode(v)
        case .race(let v): return try encoder.encode(v)
        case .participant(let v): return try encoder.encode(v)
        case .caster(let v): return Data(v.fastJSON.utf8)
        case .live(let v): return try encoder.encode(v)
        case .poll(let v): return try encoder.encode(v)
        case .unknown: return Data("{}".utf8)
        }
    }
}

/// A race's stored facts plus its creation order on the hub.
public struct RaceState: Codable, Sendable, Equatable {
    public var race: Race
    /// Orders races created in the same millisecond: later created, larger.
    public var createdSeq: Int64

    public init(race: Race, createdSeq: Int64) {
        self.race = race
        self.createdSeq = createdSeq
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case seedsReleased = "seeds_released"
        case organizerID = "organizer_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case createdSeq = "created_seq"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        race = Race(
            id: try c.decode(UUID.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            status: try c.decode(RaceStatus.self, forKey: .status),
            seedsReleased: try c.decode(Bool.self, forKey: .seedsReleased),
            organizerID: try c.decode(UUID.self, forKey: .organizerID),
            createdAt: try c.decode(Date.self, forKey: .createdAt),
            updatedAt: try c.decode(Date.self, forKey: .updatedAt))
        createdSeq = try c.decode(Int64.self, forKey: .createdSeq)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(race.id, forKey: .id)
        try c.encode(race.name, forKey: .name)
        try c.encode(race.status, forKey: .status)
        try c.encode(race.seedsReleased, forKey: .seedsReleased)
        try c.encodeID(race.organizerID, forKey: .organizerID)
        try c.encode(race.createdAt, forKey: .createdAt)
        try c.encode(race.updatedAt, forKey: .updatedAt)
        try c.encode(createdSeq, forKey: .createdSeq)
    }
}

/// A participant entry, or its removal by the organizer (`"removed": true`, sent only then,
/// so an added participant's payload is what it always was).
public struct ParticipantState: Codable, Sendable, Equatable {
    public var raceID: UUID
    public var userID: UUID
    /// The organizer removed this participant: a replica drops the row.
    public var removed: Bool

    public init(raceID: UUID, userID: UUID, removed: Bool = false) {
        self.raceID = raceID
        self.userID = userID
        self.removed = removed
    }

    enum CodingKeys: String, CodingKey {
        case raceID = "race_id"
        case userID = "user_id"
        case removed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        raceID = try c.decode(UUID.self, forKey: .raceID)
        userID = try c.decode(UUID.self, forKey: .userID)
        removed = try c.decodeIfPresent(Bool.self, forKey: .removed) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(raceID, forKey: .raceID)
        try c.encodeID(userID, forKey: .userID)
        if removed { try c.encode(true, forKey: .removed) }
    }
}

/// A caster register's new value.
public struct CasterState: Codable, Sendable, Equatable {
    public var raceID: UUID
    public var userID: UUID
    public var register: CasterRegister

    public init(raceID: UUID, userID: UUID, register: CasterRegister) {
        self.raceID = raceID
        self.userID = userID
        self.register = register
    }

    enum CodingKeys: String, CodingKey {
        case raceID = "race_id"
        case userID = "user_id"
        case casterID = "caster_id"
        case present, hlc
        case opID = "op_id"
        case changedBy = "changed_by"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        raceID = try c.decode(UUID.self, forKey: .raceID)
        userID = try c.decode(UUID.self, forKey: .userID)
        register = CasterRegister(
            present: try c.decode(Bool.self, forKey: .present), hlc: try c.decode(HLC.self, forKey: .hlc),
            opID: try c.decode(UUID.self, forKey: .opID),
            changedBy: try c.decodeIfPresent(UUID.self, forKey: .changedBy))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(raceID, forKey: .raceID)
        try c.encodeID(userID, forKey: .userID)
        try c.encodeID(CasterID.of(race: raceID, user: userID), forKey: .casterID)
        try c.encode(register.changedBy?.lowercased, forKey: .changedBy)
        try c.encode(register.present, forKey: .present)
        try c.encode(register.hlc, forKey: .hlc)
        try c.encodeID(register.opID, forKey: .opID)
    }
}

/// A user's live status: `stream` is nil when the user is not live.
public struct LiveState: Codable, Sendable, Equatable {
    public var userID: UUID
    public var stream: LiveStream?

    public init(userID: UUID, stream: LiveStream?) {
        self.userID = userID
        self.stream = stream
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case stream
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(userID, forKey: .userID)
        try c.encode(stream, forKey: .stream)
    }
}

/// A live Twitch stream session, as last observed by the hub's poller.
public struct LiveStream: Codable, Sendable, Equatable, Hashable {
    /// Twitch's stream id: new for every broadcast.
    public var streamID: String
    public var title: String
    public var startedAt: Date
    /// The last successful poll that saw the stream live.
    public var observedAt: Date

    public init(streamID: String, title: String, startedAt: Date, observedAt: Date) {
        self.streamID = streamID
        self.title = title
        self.startedAt = startedAt
        self.observedAt = observedAt
    }

    enum CodingKeys: String, CodingKey {
        case streamID = "stream_id"
        case title
        case startedAt = "started_at"
        case observedAt = "observed_at"
    }
}

/// The time of the hub's last successful Twitch poll.
public struct PollState: Codable, Sendable, Equatable {
    public var at: Date

    public init(at: Date) { self.at = at }
}
