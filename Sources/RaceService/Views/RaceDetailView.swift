public import Foundation
public import SyncCore

/// The contract's `RaceDetail`, built from any store's reads.
public enum RaceDetailView {
    /// The detail of `race`, with `casters` as the present members' registers (a replica passes
    /// its view with pending ops merged; `pending` marks those).
    public static func build(
        _ reader: some StateReader, race: Race, casters: [UUID: CasterRegister], pending: Set<UUID>? = nil
    ) throws -> RaceDetail {
        let participants = try reader.participants(race: race.id)
        let authors = casters.values.compactMap(\.changedBy)
        let users = try reader.users(
            Array(Set(Array(participants) + Array(casters.keys) + authors + [race.organizerID])))
        func known(_ id: UUID) -> User { users[id] ?? User(id: id, twitchUsername: "unknown", twitchDisplayName: nil) }
        let live = race.status.isActive ? try reader.liveStreams(users: Array(participants) + Array(casters.keys)) : [:]
        func member(_ id: UUID, memberID: UUID, isPending: Bool?, register: CasterRegister?) -> Member {
            let u = known(id)
            let isLive = live[id] != nil
            return Member(
                id: memberID, user: u, isLive: isLive,
                streamURL: isLive ? TwitchURL.stream(login: u.twitchUsername) : nil, pending: isPending,
                changedBy: register?.changedBy.map(known),
                changedAt: register.map { Timestamp.date(milliseconds: $0.hlc.wallMs) })
        }
        return RaceDetail(
            race: race, organizer: known(race.organizerID),
            participants: participants.map {
                member(
                    $0, memberID: ParticipantID.of(race: race.id, user: $0), isPending: pending.map { _ in false },
                    register: nil)
            },
            casters: casters.map { id, register in
                member(
                    id, memberID: CasterID.of(race: race.id, user: id), isPending: pending.map { $0.contains(id) },
                    register: register)
            })
    }
}
