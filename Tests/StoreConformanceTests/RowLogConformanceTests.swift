import Foundation
import RaceService
import SyncCore
import Testing

/// The row is the log, on both backends: a row written again moves to the head (one entry per
/// row, a gap where it was); a removal is one entry until the row comes back; a pushed batch's
/// registers take consecutive positions in the order of their last change.
@Suite struct RowLogConformanceTests {
    static func changes(_ hub: Hub, after seq: Int64 = 0) async throws -> [(seq: Int64, key: String, payload: String)] {
        try await hub.pull(since: PullCursor(storeID: hub.storeID, seq: seq), limit: 1000).entries.map {
            ($0.seq, $0.key, $0.payload)
        }
    }

    @Test(arguments: Backend.allCases)
    func aRowWrittenAgainMovesToTheHeadAndLeavesAGap(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let organizer = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await store.createRace(name: "Any%", organizer: organizer.id)
        _ = try await store.castJoin(race: race.id, caller: alice.id)
        let casterKey = "caster:\(race.id.lowercased):\(alice.id.lowercased)"
        let first = try #require(try await Self.changes(store).first { $0.key == casterKey })
        _ = try await store.castLeave(race: race.id, caller: alice.id)
        let after = try await Self.changes(store)
        #expect(after.filter { $0.key == casterKey }.count == 1)
        let moved = try #require(after.first { $0.key == casterKey })
        #expect(moved.seq > first.seq && moved.payload.contains("\"present\":false"))
        #expect(!after.contains { $0.seq == first.seq })
        #expect(try await Self.changes(store, after: first.seq).map(\.key) == [casterKey])
        #expect(try await store.logHead().seq == moved.seq)
    }

    @Test(arguments: Backend.allCases)
    func aRemovalIsOneEntryUntilTheRowComesBack(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let organizer = try await hub.user("org")
        _ = try await hub.user("runner")
        let race = try await store.createRace(name: "Any%", organizer: organizer.id)
        let added = try await store.addParticipant(race: race.id, caller: organizer.id, login: "runner")
        let member = try #require(added.participants.first)
        _ = try await store.removeParticipant(race: race.id, caller: organizer.id, participantID: member.id)
        let key = "participant:\(race.id.lowercased):\(member.user.id.lowercased)"
        let removed = try await Self.changes(store).filter { $0.key == key }
        #expect(removed.count == 1 && removed.first?.payload.contains("\"removed\":true") == true)
        _ = try await store.addParticipant(race: race.id, caller: organizer.id, login: "runner")
        let back = try await Self.changes(store).filter { $0.key == key }
        #expect(back.count == 1 && back.first?.payload.contains("removed") == false)
        #expect(try #require(back.first).seq > removed[0].seq)
    }

    @Test(arguments: Backend.allCases)
    func aPushedBatchTakesConsecutivePositionsInOrder(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let store = hub.storage
        let organizer = try await hub.user("org")
        let casters = [try await hub.user("c0"), try await hub.user("c1"), try await hub.user("c2")]
        let race = try await store.createRace(name: "Any%", organizer: organizer.id)
        let head = try await store.logHead().seq
        let now = clock.now
        let ops = casters.enumerated().map { index, user in
            Op(kind: .join, raceID: race.id, userID: user.id, hlc: HLC(wallMs: now, counter: UInt16(index), node: "n"))
        }
        // c0 leaves at the end: its register's one entry comes last.
        let again = Op(
            kind: .leave, raceID: race.id, userID: casters[0].id, hlc: HLC(wallMs: now + 1, counter: 0, node: "n"))
        _ = try await store.push(ops + [again], caller: organizer.id)
        let pulled = try await Self.changes(store, after: head)
        let keys = [casters[1], casters[2], casters[0]].map { "caster:\(race.id.lowercased):\($0.id.lowercased)" }
        #expect(pulled.map(\.key) == keys)
        #expect(pulled.map(\.seq) == [head + 1, head + 2, head + 3])
        #expect(pulled.last?.payload.contains("\"present\":false") == true)
    }

    @Test(arguments: Backend.allCases)
    func aPushThatWritesWakesReadersAndOneThatWritesNothingDoesNot(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let store = hub.storage
        let organizer = try await hub.user("org")
        let race = try await store.createRace(name: "Any%", organizer: organizer.id)
        let join = Op(
            kind: .join, raceID: race.id, userID: organizer.id, hlc: HLC(wallMs: clock.now, counter: 0, node: "n"))
        let before = store.changeSignal.generation
        _ = try await store.push([join], caller: organizer.id)
        #expect(store.changeSignal.generation > before)
        // The same op again is a duplicate: nothing written, nobody woken.
        let after = store.changeSignal.generation
        _ = try await store.push([join], caller: organizer.id)
        #expect(store.changeSignal.generation == after)
    }
}
