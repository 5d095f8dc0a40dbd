public import Foundation

/// Every rule of the original service, as pure functions of the race's facts.
///
/// Each returns `nil` when the action is allowed, or the violation. Checks run in the
/// contract's order: not found, not allowed, then the race's state.
public enum RaceRules {
    /// Self-join as caster: 400 race not setup/running, 409 participant, 409 already caster.
    public static func castJoin(_ facts: RaceFacts, caller: UUID) -> RuleViolation? {
        if let violation = joinable(facts.race, isParticipant: facts.participants.contains(caller), subject: "you") {
            return violation
        }
        if facts.casters.contains(caller) { return .alreadyCaster(subject: "you") }
        return nil
    }

    /// Self-leave as caster: 404 when the caller is not a caster.
    public static func castLeave(_ facts: RaceFacts, caller: UUID) -> RuleViolation? {
        facts.casters.contains(caller) ? nil : .notACaster
    }

    /// Organizer adds a caster: 404 unknown user, 403 not organizer, 409 participant or already caster.
    /// `target` is nil when the login names no user.
    public static func addCaster(_ facts: RaceFacts, caller: UUID, target: User?, login: String) -> RuleViolation? {
        guard let target else { return .userNotFound(login) }
        guard facts.isOrganizer(caller) else { return .notOrganizer }
        if let violation = joinable(
            facts.race, isParticipant: facts.participants.contains(target.id), subject: target.twitchUsername)
        {
            return violation
        }
        if facts.casters.contains(target.id) { return .alreadyCaster(subject: target.twitchUsername) }
        return nil
    }

    /// Organizer removes a caster by caster id: 404 no such caster, 403 not organizer.
    public static func removeCaster(_ facts: RaceFacts, caller: UUID, casterID: UUID) -> Result<UUID, RuleViolation> {
        guard let user = facts.casters.first(where: { CasterID.of(race: facts.race.id, user: $0) == casterID }) else {
            return .failure(.casterNotFound)
        }
        guard facts.isOrganizer(caller) else { return .failure(.notOrganizer) }
        return .success(user)
    }

    /// Organizer removes a participant by member id: 404 not a participant, 403 not organizer.
    /// Returns the participant's user id.
    public static func removeParticipant(_ facts: RaceFacts, caller: UUID, participantID: UUID)
        -> Result<UUID, RuleViolation>
    {
        guard
            let user = facts.participants.first(where: {
                ParticipantID.of(race: facts.race.id, user: $0) == participantID
            })
        else { return .failure(.participantNotFound) }
        guard facts.isOrganizer(caller) else { return .failure(.notOrganizer) }
        return .success(user)
    }

    /// Organizer adds a participant: 404 unknown user, 403 not organizer, 409 participant or caster.
    public static func addParticipant(_ facts: RaceFacts, caller: UUID, target: User?, login: String) -> RuleViolation?
    {
        guard let target else { return .userNotFound(login) }
        guard facts.isOrganizer(caller) else { return .notOrganizer }
        if facts.participants.contains(target.id) { return .alreadyParticipant(target.twitchUsername) }
        if facts.casters.contains(target.id) { return .isCaster(target.twitchUsername) }
        return nil
    }

    /// A life-cycle step requested by `caller`, with the status it leads to.
    public enum Transition: String, Sendable, CaseIterable {
        case releaseSeeds = "release-seeds"
        case start
        case finish
    }

    /// Applies a life-cycle step: 403 not organizer; 400 when the race is not in the step's
    /// starting state (release-seeds: setup; start: setup; finish: running).
    public static func transition(_ step: Transition, _ facts: RaceFacts, caller: UUID) -> Result<Race, RuleViolation> {
        guard facts.isOrganizer(caller) else { return .failure(.notOrganizer) }
        var race = facts.race
        switch (step, race.status) {
        case (.releaseSeeds, .setup): race.seedsReleased = true
        case (.start, .setup): race.status = .running
        case (.finish, .running): race.status = .finished
        case (_, let status): return .failure(.stepNotAllowed(step, status))
        }
        return .success(race)
    }

    /// The rules every join meets, at request time and again at merge time.
    static func joinable(_ race: Race, isParticipant: Bool, subject: String) -> RuleViolation? {
        guard race.status.isActive else { return .raceNotActive(race.status) }
        return isParticipant ? .isParticipant(subject: subject) : nil
    }
}
