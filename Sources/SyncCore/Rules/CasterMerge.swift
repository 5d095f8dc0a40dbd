public import Foundation

/// The hub's merge decision for one op, as a pure function of what the store knows.
public enum CasterMerge {
    /// Ops stamped further than this ahead of the hub's wall clock are refused.
    public static let maxFutureSkewMs: Int64 = 60_000

    /// What the store looked up for one op.
    public struct Facts: Sendable {
        /// The first answer given to this op id, if it was seen before.
        public var prior: OpResult?
        /// Who pushed the op id first (nil: recorded before authors were, or never seen).
        public var priorAuthor: UUID?
        /// The race; nil when unknown.
        public var race: Race?
        /// Whether the op's user exists.
        public var userExists: Bool
        /// Whether the op's user is a participant of the race.
        public var isParticipant: Bool
        /// The register of (race, user), if any op touched it before.
        public var register: CasterRegister?

        public init(
            prior: OpResult?, priorAuthor: UUID? = nil, race: Race?, userExists: Bool, isParticipant: Bool,
            register: CasterRegister?
        ) {
            self.prior = prior
            self.priorAuthor = priorAuthor
            self.race = race
            self.userExists = userExists
            self.isParticipant = isParticipant
            self.register = register
        }
    }

    /// What to do with the op.
    public enum Decision: Equatable, Sendable {
        /// Write the register and the change log; answer `applied`.
        case apply(CasterRegister)
        /// The register already holds a newer (or equal) stamp, written as given: answer
        /// `superseded`, naming that winner.
        case supersede(by: CasterRegister)
        /// Seen before: answer this again, evaluate nothing.
        case repeatAnswer(OpResult)
        /// Another user's op id: refuse it, record nothing, reveal nothing of the first op.
        case refuseForeignOpID(RuleViolation)
        /// Refused: the rule it breaks.
        case reject(RuleViolation)
    }

    /// Decides `op`, pushed by `caller`, against `facts` at hub wall time `nowMs`.
    public static func decide(_ op: Op, caller: UUID, facts: Facts, nowMs: Int64) -> Decision {
        if let prior = facts.prior {
            if let author = facts.priorAuthor, author != caller { return .refuseForeignOpID(.opIDTaken) }
            switch prior.status {
            case .rejected: return .repeatAnswer(prior)
            default: return .repeatAnswer(OpResult(opID: op.opID, status: .duplicate))
            }
        }
        guard let race = facts.race else { return .reject(.raceNotFound) }
        guard facts.userExists else { return .reject(.userNotFound(op.userID.lowercased)) }
        guard caller == op.userID || race.organizerID == caller else {
            return .reject(.notYourOp)
        }
        if op.hlc.wallMs > nowMs + maxFutureSkewMs {
            return .reject(.clockAhead(milliseconds: op.hlc.wallMs - nowMs))
        }
        if op.kind == .join,
            let violation = RaceRules.joinable(
                race, isParticipant: facts.isParticipant, subject: op.userID == caller ? "you" : "the user")
        {
            return .reject(violation)
        }
        guard let register = facts.register else { return .apply(.written(by: op, author: caller)) }
        if let next = register.merged(with: op, by: caller) { return .apply(next) }
        return .supersede(by: register)
    }
}
