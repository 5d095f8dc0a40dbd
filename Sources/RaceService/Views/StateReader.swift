public import Foundation
public import SyncCore

/// The reads the derived views (race detail, race page, live members, feeds) are built from,
/// so each view is written once for every backend: SQLite answers them from a `Database`
/// inside the caller's transaction (`SQLiteStateReader`); PostgreSQL loads what a view needs
/// in one transaction and answers from memory.
public protocol StateReader {
    func race(_ id: UUID) throws -> Race?
    /// The setup/running races in which someone with a live stream may be a member: a
    /// participant, a holder of a caster register (present or not), or on a replica the author
    /// of a pending op. The views decide who is a member now; this only keeps them from walking
    /// every active race (50,000 races with three live streams cost three races, not 50,000).
    func activeRacesWithLiveCandidates() throws -> [Race]
    func participants(race: UUID) throws -> Set<UUID>
    /// The known users among `ids`.
    func users(_ ids: [UUID]) throws -> [UUID: User]
    /// The live streams of those of `users` who are live.
    func liveStreams(users: [UUID]) throws -> [UUID: LiveStream]
    /// When the last successful Twitch poll ended.
    func lastPoll() throws -> Date?
}

/// A store's view of a race's present casters: the hub's registers, or a replica's registers
/// with its pending ops on top.
public typealias CasterView = (UUID) throws -> [UUID: CasterRegister]
