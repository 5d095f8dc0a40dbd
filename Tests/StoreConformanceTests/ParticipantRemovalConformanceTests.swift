import Foundation
import RaceService
import SyncCore
import SyncStore
import Testing

/// The organizer removes a participant, on both backends: the rules (404 not a participant,
/// 403 not the organizer), the row gone, and a removal in the change log that a replica pulling
/// from before it applies, so it drops the participant too.
@Suite struct ParticipantRemovalConformanceTests {
    @Test(arguments: Backend.allCases)
    func aRemovedParticipantLeavesTheHubAndEveryReplica(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let runner = try await hub.user("runner")
        let alice = try await hub.user("alice")
        let race = try await store.createRace(name: "Race", organizer: org.id).id
        let added = try await store.addParticipant(race: race, caller: org.id, login: "runner")
        let participantID = try #require(added.participants.first?.id)

        // A replica that has the participant.
        let folder = try temporaryFolder("removal")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let replica = try ReplicaStore(path: folder + "/replica.sqlite")
        defer { try? replica.close() }
        let first = try await store.pull(since: nil, limit: 100)
        try replica.login(
            ReplicaSession(hub: "http://hub", token: "t", user: alice),
            snapshot: [try PullPageDecoder.decode(first.json())])
        #expect(try replica.detail(race)?.participants.map(\.user.id) == [runner.id])

        await #expect(throws: RuleViolation.notOrganizer) {
            try await store.removeParticipant(race: race, caller: runner.id, participantID: participantID)
        }
        await #expect(throws: RuleViolation.participantNotFound) {
            try await store.removeParticipant(race: race, caller: org.id, participantID: UUID())
        }
        let removed = try await store.removeParticipant(race: race, caller: org.id, participantID: participantID)
        #expect(removed.participants.isEmpty)
        #expect(try await store.raceDetail(race)?.participants.isEmpty == true)
        await #expect(throws: RuleViolation.participantNotFound) {
            try await store.removeParticipant(race: race, caller: org.id, participantID: participantID)
        }

        let next = try await store.pull(since: first.cursor, limit: 100)
        #expect(next.entries.map(\.kind) == ["participant"])
        try replica.apply(try PullPageDecoder.decode(next.json()))
        #expect(try replica.detail(race)?.participants.isEmpty == true)

        // Added again, they are back everywhere; the log keeps one row for the pair.
        _ = try await store.addParticipant(race: race, caller: org.id, login: "runner")
        let again = try await store.pull(since: next.cursor, limit: 100)
        try replica.apply(try PullPageDecoder.decode(again.json()))
        #expect(try replica.detail(race)?.participants.map(\.user.id) == [runner.id])
        let fresh = try await store.pull(since: nil, limit: 100)
        #expect(fresh.entries.filter { $0.kind == "participant" }.count == 1)
    }
}
