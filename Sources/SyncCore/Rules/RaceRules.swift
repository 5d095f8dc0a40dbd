import Foundation

/// Every rule of the original service, as pure functions of the race's facts.
///
/// Each returns `nil` when the action is allowed, or the violation with the contract's
/// status code. Checks run in the contract's order: 404, 403, then 400/409.
public enum RaceRules {
    /// Self-join as caster: 400 race not setup/running, 409 participant, 409 already caster.
    public static func castJoin(_ facts: RaceFacts, caller: UUID) -> RuleViolation? {
        if let violation = joinable(facts.race, isParticipant: facts.participants.contains(caller), subject: "you") {
            return violation
        }
        if facts.casters.contains(caller) { return .init(409, "you are already a caster of this race") }
        return nil
    }

    /// Self-leave as caster: 404 when the caller is not a caster.
    public static func castLeave(_ facts: RaceFacts, caller: UUID) -> RuleViolation? {
        facts.casters.contains(caller) ? nil : .init(404, "you are not a caster of this race")
    }

    /// Organizer adds a caster: 404 unknown user, 403 not organizer, 409 participant or already caster.
    /// `target` is nil when the login names no user.
    public static func addCaster(_ facts: RaceFacts, caller: UUID, target: User?, login: String) -> RuleViolation? {
        guard let target else { return .userNotFound(login) }
        guard facts.isOrganizer(caller) else { return .notOrganizer() }
        if let violation = joinable(
            facts.race, isParticipant: facts.participants.contains(target.id), subject: target.twitchUsername)
        {
            return violation
        }
        if facts.casters.contains(target.id) {
            return .init(409, "\(target.twitchUsername) is already a caster of this race")
        }
        return nil
    }

    /// Organizer removes a caster by caster id: 404 no such caster, 403 not organizer.
    public static func removeCaster(_ facts: RaceFacts, caller: UUID, casterID: UUID) -> Result<UUID, RuleViolation> {
        guard let user = facts.casters.first(where: { CasterID.of(race: facts.race.id, user: $0) == casterID }) else {
            return .failure(.init(404, "caster not found in this race"))
        }
        guard facts.isOrganizer(caller) else { return .failure(.notOrganizer()) }
        return .success(user)
    }

    /// Organizer adds a participant: 404 unknown user, 403 not organizer, 409 participant or caster.
    public static func addParticipant(_ facts: RaceFacts, caller: UUID, target: User?, login: String) -> RuleViolation?
    {
        guard let target else { return .userNotFound(login) }
        guard facts.isOrganizer(caller) else { return .notOrganizer() }
        if facts.participants.contains(target.id) {
            return .init(409, "\(target.twitchUsername) is already a participant of this race")
        }
        if facts.casters.contains(target.id) {
            return .init(409, "\(target.twitchUsername) is a caster of this race")
        }
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
        guard facts.isOrganizer(caller) else { return .failure(.notOrganizer()) }
        var race = facts.race
        switch (step, race.status) {
        case (.releaseSeeds, .setup): race.seedsReleased = true
        case (.start, .setup): race.status = .running
        case (.finish, .running): race.status = .finished
        case (.releaseSeeds, let status):
            return .failure(
                .init(400, "seeds can only be released while the race is in setup (it is \(status.rawValue))"))
        case (.start, let status):
            return .failure(.init(400, "only a race in setup can be started (it is \(status.rawValue))"))
        case (.finish, let status):
            return .failure(.init(400, "only a running race can be finished (it is \(status.rawValue))"))
        }
        return .success(race)
    }

    /// The rules every join meets, at request time and again at merge time.
    static func joinable(_ race: Race, isParticipant: Bool, subject: String) -> RuleViolation? {
        guard race.status.isActive else {
            return .init(400, "the race is \(race.status.rawValue): casters can join only races in setup or running")
        }
        if isParticipant {
            return .init(
                409,
                subject == "you" ? "you are a participant of this race" : "\(subject) is a participant of this race")
        }
        return nil
    }
}
