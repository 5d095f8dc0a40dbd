import Foundation
import Testing

@testable import SyncCore

@Suite struct RaceRulesTests {
    let organizer = UUID(), alice = UUID(), bob = UUID(), carol = UUID()

    func facts(
        _ status: RaceStatus = .setup, participants: Set<UUID> = [], casters: Set<UUID> = [], seeds: Bool = false
    ) -> RaceFacts {
        let race = Race(
            id: UUID(), name: "r", status: status, seedsReleased: seeds, organizerID: organizer,
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
        return RaceFacts(race: race, participants: participants, casters: casters)
    }

    @Test func castJoinAllowedInSetupAndRunning() {
        #expect(RaceRules.castJoin(facts(.setup), caller: alice) == nil)
        #expect(RaceRules.castJoin(facts(.running), caller: alice) == nil)
    }

    @Test func castJoinRules() {
        #expect(RaceRules.castJoin(facts(.finished), caller: alice) == .raceNotActive(.finished))
        #expect(RaceRules.castJoin(facts(participants: [alice]), caller: alice) == .isParticipant(subject: "you"))
        #expect(RaceRules.castJoin(facts(casters: [alice]), caller: alice) == .alreadyCaster(subject: "you"))
        // The race's state comes before who the caller is.
        #expect(
            RaceRules.castJoin(facts(.finished, participants: [alice]), caller: alice) == .raceNotActive(.finished))
    }

    @Test func castLeaveNeedsACaster() {
        #expect(RaceRules.castLeave(facts(), caller: alice) == .notACaster)
        #expect(RaceRules.castLeave(facts(casters: [alice]), caller: alice) == nil)
        #expect(RaceRules.castLeave(facts(.finished, casters: [alice]), caller: alice) == nil)
    }

    @Test func addCasterRulesInContractOrder() {
        let bobUser = User(id: bob, twitchUsername: "bob", twitchDisplayName: nil)
        #expect(RaceRules.addCaster(facts(), caller: alice, target: nil, login: "ghost") == .userNotFound("ghost"))
        #expect(RaceRules.addCaster(facts(), caller: alice, target: bobUser, login: "bob") == .notOrganizer)
        #expect(
            RaceRules.addCaster(facts(participants: [bob]), caller: organizer, target: bobUser, login: "bob")
                == .isParticipant(subject: "bob"))
        #expect(
            RaceRules.addCaster(facts(casters: [bob]), caller: organizer, target: bobUser, login: "bob")
                == .alreadyCaster(subject: "bob"))
        #expect(RaceRules.addCaster(facts(), caller: organizer, target: bobUser, login: "bob") == nil)
    }

    @Test func removeCasterByCasterID() {
        let f = facts(casters: [bob])
        let casterID = CasterID.of(race: f.race.id, user: bob)
        #expect(RaceRules.removeCaster(f, caller: organizer, casterID: casterID) == .success(bob))
        #expect(
            RaceRules.removeCaster(f, caller: alice, casterID: casterID)
                == .failure(.notOrganizer))
        #expect(RaceRules.removeCaster(f, caller: organizer, casterID: UUID()) == .failure(.casterNotFound))
        // Not found before not allowed: a non-organizer asking for an unknown caster learns only that.
        #expect(RaceRules.removeCaster(f, caller: alice, casterID: UUID()) == .failure(.casterNotFound))
    }

    @Test func removeParticipantByParticipantID() {
        let f = facts(participants: [carol])
        let participantID = ParticipantID.of(race: f.race.id, user: carol)
        #expect(RaceRules.removeParticipant(f, caller: organizer, participantID: participantID) == .success(carol))
        #expect(RaceRules.removeParticipant(f, caller: alice, participantID: participantID) == .failure(.notOrganizer))
        // A caster id is not a participant id, even for the same user.
        #expect(
            RaceRules.removeParticipant(f, caller: organizer, participantID: CasterID.of(race: f.race.id, user: carol))
                == .failure(.participantNotFound))
        #expect(RaceRules.removeParticipant(f, caller: alice, participantID: UUID()) == .failure(.participantNotFound))
    }

    @Test func addParticipantRules() {
        let carolUser = User(id: carol, twitchUsername: "carol", twitchDisplayName: nil)
        #expect(RaceRules.addParticipant(facts(), caller: organizer, target: nil, login: "x") == .userNotFound("x"))
        #expect(RaceRules.addParticipant(facts(), caller: alice, target: carolUser, login: "carol") == .notOrganizer)
        #expect(
            RaceRules.addParticipant(
                facts(participants: [carol]), caller: organizer, target: carolUser, login: "carol")
                == .alreadyParticipant("carol"))
        #expect(
            RaceRules.addParticipant(facts(casters: [carol]), caller: organizer, target: carolUser, login: "carol")
                == .isCaster("carol"))
        #expect(RaceRules.addParticipant(facts(), caller: organizer, target: carolUser, login: "carol") == nil)
    }

    @Test func lifeCycle() throws {
        #expect(try RaceRules.transition(.releaseSeeds, facts(.setup), caller: organizer).get().seedsReleased)
        #expect(try RaceRules.transition(.start, facts(.setup), caller: organizer).get().status == .running)
        #expect(try RaceRules.transition(.finish, facts(.running), caller: organizer).get().status == .finished)
        for (step, status) in [
            (RaceRules.Transition.releaseSeeds, RaceStatus.running), (.releaseSeeds, .finished), (.start, .running),
            (.start, .finished), (.finish, .setup), (.finish, .finished),
        ] {
            #expect(
                RaceRules.transition(step, facts(status), caller: organizer)
                    == .failure(.stepNotAllowed(step, status)), "\(step) from \(status)")
        }
        #expect(RaceRules.transition(.start, facts(.setup), caller: alice) == .failure(.notOrganizer))
        #expect(
            RuleViolation.stepNotAllowed(.finish, .setup).reason
                == "only a running race can be finished (it is setup)")
    }

    @Test func raceNames() {
        #expect(Race.validatedName("  Any% ") == .success("Any%"))
        #expect(Race.validatedName("   ") == .failure(.empty))
        #expect((try? Race.validatedName(String(repeating: "x", count: 200)).get()) != nil)
        #expect(Race.validatedName(String(repeating: "x", count: 201)) == .failure(.tooLong(max: 200)))
    }

    @Test func namesAreCountedInCodePointsNotGraphemes() {
        let amplified = "a" + String(repeating: "\u{0301}", count: 300)
        #expect(amplified.count == 1)
        #expect(Race.validatedName(amplified) == .failure(.tooLong(max: 200)))
        let huge = "a" + String(repeating: "\u{0301}", count: 500_000)
        #expect(Race.validatedName(huge) == .failure(.tooLong(max: 200)))
        #expect((try? Race.validatedName("🏁 Any% — 100 emoji-free").get()) == "🏁 Any% — 100 emoji-free")
    }

    @Test(arguments: [
        "x\u{0000}y", "bell\u{0007}", "\u{001B}[31mred", "tab\there", "del\u{007F}", "c1\u{0085}", "c1\u{009F}",
    ])
    func controlCharactersAreRefused(_ name: String) {
        guard case .failure(.controlCharacter) = Race.validatedName(name) else {
            Issue.record("\(name.debugDescription) should be refused")
            return
        }
        guard case .failure(.controlCharacter) = User.validatedDisplayName(name) else {
            Issue.record("display name \(name.debugDescription) should be refused")
            return
        }
    }

    @Test func terminalSafeReplacesEveryControlCharacter() {
        #expect(DisplayText.terminalSafe("\u{001B}]0;pwned\u{0007}ok") == "\u{FFFD}]0;pwned\u{FFFD}ok")
        #expect(DisplayText.terminalSafe("a\nb") == "a\u{FFFD}b")
        #expect(DisplayText.terminalSafe("a\nb\u{009B}", keepNewlines: true) == "a\nb\u{FFFD}")
        #expect(DisplayText.terminalSafe("plain ünïcode 🏁") == "plain ünïcode 🏁")
    }

    @Test func sha1MatchesTheStandardVectors() {
        func hex(_ text: String) -> String { SHA1.hash(Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(
            hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(hex(String(repeating: "a", count: 1_000)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    @Test func casterIDIsStableAndDistinct() {
        let race = UUID()
        #expect(CasterID.of(race: race, user: alice) == CasterID.of(race: race, user: alice))
        #expect(CasterID.of(race: race, user: alice) != CasterID.of(race: race, user: bob))
        #expect(CasterID.of(race: race, user: alice) != ParticipantID.of(race: race, user: alice))
        #expect(CasterID.of(race: race, user: alice).uuidString.dropFirst(14).first == "5")
    }
}
