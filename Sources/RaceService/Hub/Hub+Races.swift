public import Foundation
public import SyncCore

extension Hub {
    /// Creates a race in setup with `organizer` as organizer. `name` must already be validated.
    public func createRace(name: String, organizer: UUID) async throws -> RaceDetail {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            let at = now()
            let race = Race(
                id: UUID(), name: name, status: .setup, seedsReleased: false, organizerID: organizer,
                createdAt: Timestamp.date(milliseconds: at), updatedAt: Timestamp.date(milliseconds: at))
            let state = RaceState(race: race, createdSeq: try await tx.nextRaceSeq())
            try await tx.insertRace(state)
            try await tx.appendLog([.race(state)], atMs: at)
            return try await tx.detailAfterWrite(race.id)
        }
    }

    /// The organizer adds a participant by login.
    public func addParticipant(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            let facts = try await tx.existingRace(id)
            let target = try await tx.user(login: login.lowercased())
            if let violation = RaceRules.addParticipant(facts, caller: caller, target: target, login: login) {
                throw violation
            }
            guard let target else { throw RuleViolation.userNotFound(login) }
            try await tx.insertParticipant(race: id, user: target.id)
            try await tx.appendLog([.participant(ParticipantState(raceID: id, userID: target.id))], atMs: now())
            return try await tx.detailAfterWrite(id)
        }
    }

    /// The organizer removes a participant (by member id); replicas drop them on their next pull.
    public func removeParticipant(race id: UUID, caller: UUID, participantID: UUID) async throws -> RaceDetail {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            let facts = try await tx.existingRace(id)
            let user = try RaceRules.removeParticipant(facts, caller: caller, participantID: participantID).get()
            try await tx.deleteParticipant(race: id, user: user)
            try await tx.appendLog(
                [.participant(ParticipantState(raceID: id, userID: user, removed: true))], atMs: now())
            return try await tx.detailAfterWrite(id)
        }
    }

    /// The organizer moves the race through its life cycle.
    public func transition(_ step: RaceRules.Transition, race id: UUID, caller: UUID) async throws -> RaceDetail {
        let now = backend.clock.now
        return try await backend.transaction { tx in
            let facts = try await tx.existingRace(id)
            var race = try RaceRules.transition(step, facts, caller: caller).get()
            let at = now()
            race.updatedAt = Timestamp.date(milliseconds: at)
            try await tx.updateRace(race)
            let createdSeq = try await tx.races([id])[id]?.createdSeq ?? 0
            try await tx.appendLog([.race(RaceState(race: race, createdSeq: createdSeq))], atMs: at)
            return try await tx.detailAfterWrite(id)
        }
    }
}

extension HubTransaction {
    /// The race's facts; an unknown race is the route's 404.
    func existingRace(_ id: UUID) async throws -> RaceFacts {
        guard let facts = try await raceFacts(id) else { throw RuleViolation.raceNotFound }
        return facts
    }

    /// The detail of a race this transaction has just written (so it exists).
    func detailAfterWrite(_ id: UUID) async throws -> RaceDetail {
        guard let detail = try await raceDetail(id) else { throw RuleViolation.raceNotFound }
        return detail
    }
}
