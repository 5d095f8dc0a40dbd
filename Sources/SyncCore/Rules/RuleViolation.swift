import Foundation

/// A rule of the service was broken: which one, with what it concerns. The core knows no
/// protocol; the hub layer maps each case to the contract's status code (`statusCode`), and
/// `reason` is the sentence a person reads.
public enum RuleViolation: Error, Equatable, Sendable, CustomStringConvertible {
    /// No race has this id.
    case raceNotFound
    /// No user has this login (or id, for an op's user).
    case userNotFound(String)
    /// The caller tried to leave a race they do not cast.
    case notACaster
    /// The organizer named a caster id the race does not have.
    case casterNotFound
    /// The organizer named a participant id the race does not have.
    case participantNotFound
    /// Only the race's organizer may do this.
    case notOrganizer
    /// An op named another user, and its pusher is not the race's organizer.
    case notYourOp
    /// Another user already pushed an op with this id (answered only to its author).
    case opIDTaken
    /// `subject` ("you" or a login) already casts the race.
    case alreadyCaster(subject: String)
    /// `subject` ("you", "the user" or a login) runs in the race, so may not cast it.
    case isParticipant(subject: String)
    /// The login already runs in the race.
    case alreadyParticipant(String)
    /// The login casts the race, so may not run in it.
    case isCaster(String)
    /// Casters join only races in setup or running.
    case raceNotActive(RaceStatus)
    /// The life-cycle step does not apply to a race in this status.
    case stepNotAllowed(RaceRules.Transition, RaceStatus)
    /// The op was stamped this many milliseconds ahead of the hub's clock (more than allowed).
    case clockAhead(milliseconds: Int64)

    /// The sentence a person reads.
    public var reason: String {
        switch self {
        case .raceNotFound: "race not found"
        case .userNotFound(let who): "user \(who) not found"
        case .notACaster: "you are not a caster of this race"
        case .casterNotFound: "caster not found in this race"
        case .participantNotFound: "participant not found in this race"
        case .notOrganizer: "only the race organizer may do this"
        case .notYourOp: "an op may only be made by its own user or the race organizer"
        case .opIDTaken: "op_id already used"
        case .alreadyCaster(let subject):
            subject == "you" ? "you are already a caster of this race" : "\(subject) is already a caster of this race"
        case .isParticipant(let subject):
            subject == "you" ? "you are a participant of this race" : "\(subject) is a participant of this race"
        case .alreadyParticipant(let login): "\(login) is already a participant of this race"
        case .isCaster(let login): "\(login) is a caster of this race"
        case .raceNotActive(let status):
            "the race is \(status.rawValue): casters can join only races in setup or running"
        case .stepNotAllowed(.releaseSeeds, let status):
            "seeds can only be released while the race is in setup (it is \(status.rawValue))"
        case .stepNotAllowed(.start, let status): "only a race in setup can be started (it is \(status.rawValue))"
        case .stepNotAllowed(.finish, let status): "only a running race can be finished (it is \(status.rawValue))"
        case .clockAhead(let ms):
            "the op's clock is \(String(format: "%.1f", Double(ms) / 1000)) s ahead of the hub (at most 60 s allowed); check the node's clock"
        }
    }

    public var description: String { reason }
}
