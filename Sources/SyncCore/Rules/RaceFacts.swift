public import Foundation

/// What the rules need to know about one race: the race and who is in it.
public struct RaceFacts: Sendable, Equatable {
    public var race: Race
    public var participants: Set<UUID>
    /// Users whose caster register says "present".
    public var casters: Set<UUID>

    public init(race: Race, participants: Set<UUID>, casters: Set<UUID>) {
        self.race = race
        self.participants = participants
        self.casters = casters
    }

    public func isOrganizer(_ user: UUID) -> Bool { race.organizerID == user }
}

extension RaceDetail {
    /// The facts the rules decide on, as this detail shows them.
    public var facts: RaceFacts {
        let race = Race(
            id: id, name: name, status: status, seedsReleased: seedsReleased, organizerID: organizer.id,
            createdAt: createdAt, updatedAt: updatedAt)
        return RaceFacts(
            race: race, participants: Set(participants.map(\.user.id)), casters: Set(casters.map(\.user.id)))
    }
}
