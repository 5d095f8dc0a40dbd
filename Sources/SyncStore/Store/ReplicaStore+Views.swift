public import Foundation
import GRDB
import RaceService
public import SyncCore

/// A live member of an active race, as `racecli live` shows it (`--json`: the contract's
/// `{race_id, twitch_username, stream_url, title, started_at, observed_at}`).
public struct LiveEntry: Encodable, Sendable, Equatable {
    public var raceID: UUID
    public var raceName: String
    public var role: MemberRole
    public var twitchUsername: String
    public var displayName: String?
    public var streamURL: String
    public var stream: LiveStream

    enum CodingKeys: String, CodingKey {
        case raceID = "race_id"
        case twitchUsername = "twitch_username"
        case streamURL = "stream_url"
        case title
        case startedAt = "started_at"
        case observedAt = "observed_at"
    }

    init(_ member: LiveMember) {
        self.raceID = member.raceID
        self.raceName = member.raceName
        self.role = member.role
        self.twitchUsername = member.user.twitchUsername
        self.displayName = member.user.twitchDisplayName
        self.streamURL = TwitchURL.stream(login: member.user.twitchUsername)
        self.stream = member.stream
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(raceID, forKey: .raceID)
        try c.encode(twitchUsername, forKey: .twitchUsername)
        try c.encode(streamURL, forKey: .streamURL)
        try c.encode(stream.title, forKey: .title)
        try c.encode(stream.startedAt, forKey: .startedAt)
        try c.encode(stream.observedAt, forKey: .observedAt)
    }
}

extension ReplicaStore {
    /// The casters of a race in the view: confirmed registers with pending ops merged on top
    /// (LWW), and which of them come from a pending op.
    struct ViewCasters {
        /// The registers of present casters.
        var registers: [UUID: CasterRegister]
        var pending: Set<UUID>
        var present: [UUID] { Array(registers.keys) }
    }

    func viewCasters(_ db: Database, race: UUID) throws -> ViewCasters {
        var registers = try StateQueries.registers(db, race: race)
        var pending = Set<UUID>()
        for op in try pendingOps(db, race: race) {
            let before = registers[op.userID]
            // Local ops are self-join/self-leave: their author is their user.
            if let next = CasterRegister.fold(before, [op], by: op.userID), next != before {
                registers[op.userID] = next
                pending.insert(op.userID)
            }
        }
        let present = registers.filter { $0.value.present }
        return ViewCasters(registers: present, pending: pending.intersection(present.keys))
    }

    func viewFacts(_ db: Database, race id: UUID) throws -> RaceFacts? {
        guard let race = try StateQueries.race(db, id: id) else { return nil }
        return RaceFacts(
            race: race, participants: try StateQueries.participants(db, race: id),
            casters: Set(try viewCasters(db, race: id).present))
    }

    /// Races matching a UUID or an id prefix.
    public func races(matching text: String) throws -> [Race] {
        try pool.read { db in
            if let id = UUID(uuidString: text) { return try StateQueries.race(db, id: id).map { [$0] } ?? [] }
            return try StateQueries.races(db, idPrefix: text)
        }
    }

    /// The names of the given races (those the replica knows), for messages about ops.
    public func raceNames(_ ids: Set<UUID>) throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return try pool.read { db in
            var names: [UUID: String] = [:]
            for id in ids { if let race = try StateQueries.race(db, id: id) { names[id] = race.name } }
            return names
        }
    }

    /// The race list in the view, newest first.
    public func summaries(status: RaceStatus? = nil) throws -> [RaceSummary] {
        var list: [RaceSummary] = []
        try forEachSummary(status: status) { list.append($0) }
        return list
    }

    /// Every race in the view (of `status`, when given), newest first, handed to `body` one at a
    /// time as `summaries` would list them: the listing is never held whole.
    public func forEachSummary(status: RaceStatus? = nil, _ body: (RaceSummary) throws -> Void) throws {
        try pool.read { db in
            let pendingRaces = Set(try UUID.fetchAll(db, sql: "SELECT DISTINCT race_id FROM outbox"))
            try RaceListing.forEach(db, status: status) { summary in
                var summary = summary
                if pendingRaces.contains(summary.id) {
                    summary.casterCount = try viewCasters(db, race: summary.id).present.count
                }
                try body(summary)
            }
        }
    }

    /// One race in the view; Members carry `pending`.
    public func detail(_ id: UUID) throws -> RaceDetail? {
        try pool.read { db in
            guard let race = try StateQueries.race(db, id: id) else { return nil }
            let view = try viewCasters(db, race: id)
            return try StateQueries.detail(db, race: race, casters: view.registers, pending: view.pending)
        }
    }

    /// Live members (participants and casters in the view) of active races.
    public func liveEntries() throws -> [LiveEntry] {
        try pool.read { db in
            let reader = SQLiteStateReader(db: db, pendingOps: true)
            return try PageViews.liveMembers(reader, in: try reader.activeRacesWithLiveCandidates()) {
                try viewCasters(db, race: $0).registers
            }.map(LiveEntry.init)
        }
    }
}
