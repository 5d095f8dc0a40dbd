public import Foundation
public import SyncCore

/// The decision pass of a batch merge, shared by every hub backend: given the facts of the
/// whole batch (read set-based by the backend inside its write transaction), each op is decided
/// in order by the pure rules (`CasterMerge`), with earlier ops of the batch folded in. What
/// comes out is what the backend writes: the registers' last applied states in the order of
/// their last change, and the answers to record.
public struct MergeDecisions {
    /// A caster register's key.
    public struct Key: Hashable, Sendable {
        public var race: UUID
        public var user: UUID
        public init(race: UUID, user: UUID) {
            self.race = race
            self.user = user
        }
    }

    /// The answer for each op, in order (what the pusher gets).
    public var results: [OpResult] = []
    /// The answers to record (repeats of recorded answers are not recorded again).
    public var answers: [OpResult] = []
    /// The rule each op refused in this batch broke (a repeat of a recorded refusal is not here).
    public var violations: [UUID: RuleViolation] = [:]
    /// Registers to write, each once, in the order of their last change.
    public var changes: [(key: Key, register: CasterRegister)] = []

    /// Decides `ops` for `caller`. `priors` are the recorded answers and `authors` who pushed
    /// them (an op id is answered only to its author). `observe` moves the hub clock past an
    /// accepted op's stamp. The answers to record are `caller`'s. A superseded op's answer
    /// names the winner's author by id only until `name(_:)` is given the users
    /// (`winnerAuthors`): most batches supersede nothing, and then nobody is looked up.
    public static func decide(
        _ ops: [Op], caller: UUID, priors: [UUID: OpResult], authors: [UUID: UUID], races: [UUID: Race],
        facts pairs: PairFacts, nowMs: Int64, observe: (HLC) -> Void
    ) -> MergeDecisions {
        var registers = pairs.registers
        var decisions = MergeDecisions()
        decisions.results.reserveCapacity(ops.count)
        decisions.answers.reserveCapacity(ops.count)
        // This batch's answers so far (the caller's), which a repeated op id sees.
        var answered: [UUID: OpResult] = [:]
        answered.reserveCapacity(ops.count)
        // Registers applied, in the order of their last change: a key applied again leaves a
        // hole where it was (no sort at the end).
        var applied: [(key: Key, register: CasterRegister)?] = []
        var appliedAt: [Key: Int] = [:]
        appliedAt.reserveCapacity(ops.count)
        for op in ops {
            let key = Key(race: op.raceID, user: op.userID)
            let mine = answered[op.opID]
            var facts = CasterMerge.Facts(
                prior: mine ?? priors[op.opID], priorAuthor: mine != nil ? caller : authors[op.opID], race: nil,
                userExists: false, isParticipant: false, register: nil)
            if facts.prior == nil {
                facts.race = races[op.raceID]
                facts.userExists = pairs.users.contains(op.userID)
                if facts.race != nil, facts.userExists {
                    facts.isParticipant = pairs.participants.contains(key)
                    facts.register = registers[key]
                }
            }
            let result: OpResult
            switch CasterMerge.decide(op, caller: caller, facts: facts, nowMs: nowMs) {
            case .repeatAnswer(let answer):
                decisions.results.append(answer)
                continue
            case .refuseForeignOpID(let violation):
                decisions.results.append(violation.rejection(of: op.opID))
                decisions.violations[op.opID] = violation
                continue
            case .reject(let violation):
                result = violation.rejection(of: op.opID)
                decisions.violations[op.opID] = violation
            case .supersede(let winner):
                observe(op.hlc)
                // A register from before authors were recorded was almost surely its own user's.
                let authorID = winner.changedBy ?? op.userID
                let author = User(id: authorID, twitchUsername: "unknown", twitchDisplayName: nil)
                result = OpResult(
                    opID: op.opID, status: .superseded,
                    winner: OpWinner(hlc: winner.hlc, user: author, kind: winner.kind))
            case .apply(let register):
                observe(op.hlc)
                registers[key] = register
                if let earlier = appliedAt[key] { applied[earlier] = nil }
                appliedAt[key] = applied.count
                applied.append((key, register))
                result = OpResult(opID: op.opID, status: .applied)
            }
            // Recorded as the one-by-one merge records it: a repeat in this batch sees it.
            let recorded = OpResult(opID: op.opID, status: result.status, code: result.code, detail: result.detail)
            answered[op.opID] = recorded
            decisions.answers.append(recorded)
            decisions.results.append(result)
        }
        decisions.changes = applied.compactMap { $0 }
        return decisions
    }

    /// The authors the superseded ops' answers name (by id, until `name(_:)`).
    public var winnerAuthors: Set<UUID> { Set(results.compactMap { $0.winner?.user.id }) }

    /// Gives each superseded op's answer its winner's author from `users`; an author not there
    /// (a user since deleted) stays "unknown".
    public mutating func name(_ users: [UUID: User]) {
        for index in results.indices {
            if let id = results[index].winner?.user.id, let user = users[id] { results[index].winner?.user = user }
        }
    }
}
