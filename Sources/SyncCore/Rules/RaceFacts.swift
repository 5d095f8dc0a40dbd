import Foundation

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
