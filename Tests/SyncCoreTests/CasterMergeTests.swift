import Foundation
import Testing

@testable import SyncCore

@Suite struct CasterMergeTests {
    let organizer = UUID(), alice = UUID(), mallory = UUID()
    let now: Int64 = 1_000_000

    var race: Race {
        Race(
            id: UUID(), name: "r", status: .running, seedsReleased: false, organizerID: organizer,
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
    }

    func op(_ kind: OpKind = .join, wall: Int64 = 1_000_000, counter: UInt16 = 0, user: UUID? = nil) -> Op {
        Op(kind: kind, raceID: UUID(), userID: user ?? alice, hlc: HLC(wallMs: wall, counter: counter, node: "n"))
    }

    func facts(
        race: Race?, user: Bool = true, participant: Bool = false, register: CasterRegister? = nil,
        prior: OpResult? = nil
    ) -> CasterMerge.Facts {
        .init(prior: prior, race: race, userExists: user, isParticipant: participant, register: register)
    }

    @Test func appliesToAnEmptyRegister() {
        let o = op()
        #expect(
            CasterMerge.decide(o, caller: alice, facts: facts(race: race), nowMs: now)
                == .apply(.init(present: true, hlc: o.hlc, opID: o.opID, changedBy: alice)))
    }

    @Test func lastWriterWins() {
        let newer = CasterRegister(present: false, hlc: HLC(wallMs: 2_000_000, counter: 0, node: "n"), opID: UUID())
        #expect(
            CasterMerge.decide(op(), caller: alice, facts: facts(race: race, register: newer), nowMs: now)
                == .supersede(by: newer))
        let older = CasterRegister(present: false, hlc: HLC(wallMs: 1, counter: 0, node: "n"), opID: UUID())
        if case .apply(let r) = CasterMerge.decide(
            op(), caller: alice, facts: facts(race: race, register: older), nowMs: now)
        {
            #expect(r.present)
        } else {
            Issue.record("expected apply")
        }
    }

    @Test func equalStampIsSuperseded() {
        let o = op()
        let same = CasterRegister(present: true, hlc: o.hlc, opID: UUID())
        #expect(
            CasterMerge.decide(o, caller: alice, facts: facts(race: race, register: same), nowMs: now)
                == .supersede(by: same))
    }

    @Test func rejectionsInContractOrder() {
        var finished = race
        finished.status = .finished
        func code(_ d: CasterMerge.Decision) -> RuleViolation? {
            if case .reject(let v) = d { return v } else { return nil }
        }
        #expect(code(CasterMerge.decide(op(), caller: alice, facts: facts(race: nil), nowMs: now)) == .raceNotFound)
        #expect(
            code(CasterMerge.decide(op(), caller: alice, facts: facts(race: race, user: false), nowMs: now))
                == .userNotFound(alice.lowercased))
        #expect(code(CasterMerge.decide(op(), caller: mallory, facts: facts(race: race), nowMs: now)) == .notYourOp)
        #expect(
            code(CasterMerge.decide(op(wall: now + 60_001), caller: alice, facts: facts(race: race), nowMs: now))
                == .clockAhead(milliseconds: 60_001)
        )
        #expect(
            code(CasterMerge.decide(op(wall: now + 60_000), caller: alice, facts: facts(race: race), nowMs: now)) == nil
        )
        #expect(
            code(CasterMerge.decide(op(), caller: alice, facts: facts(race: finished), nowMs: now))
                == .raceNotActive(.finished))
        #expect(
            code(CasterMerge.decide(op(), caller: alice, facts: facts(race: race, participant: true), nowMs: now))
                == .isParticipant(subject: "you"))
        // A leave is not subject to the join rules.
        #expect(code(CasterMerge.decide(op(.leave), caller: alice, facts: facts(race: finished), nowMs: now)) == nil)
        // Who may write before the clock check, the clock check before the join rules.
        #expect(
            code(
                CasterMerge.decide(
                    op(wall: now + 120_000), caller: mallory, facts: facts(race: race, participant: true), nowMs: now))
                == .notYourOp)
        #expect(
            code(
                CasterMerge.decide(
                    op(wall: now + 120_000), caller: alice, facts: facts(race: race, participant: true), nowMs: now))
                == .clockAhead(milliseconds: 120_000))
    }

    @Test func organizerMayWriteForOthers() {
        let o = op(user: alice)
        if case .apply = CasterMerge.decide(o, caller: organizer, facts: facts(race: race), nowMs: now) {
        } else {
            Issue.record("organizer op should apply")
        }
    }

    @Test func resentOpIDsAreNeverEvaluatedAgain() {
        let o = op()
        let applied = OpResult(opID: o.opID, status: .applied)
        #expect(
            CasterMerge.decide(o, caller: alice, facts: facts(race: nil, prior: applied), nowMs: now)
                == .repeatAnswer(.init(opID: o.opID, status: .duplicate)))
        let rejected = OpResult(opID: o.opID, status: .rejected, code: 409, detail: "x")
        #expect(
            CasterMerge.decide(o, caller: alice, facts: facts(race: race, prior: rejected), nowMs: now)
                == .repeatAnswer(rejected))
    }
}
