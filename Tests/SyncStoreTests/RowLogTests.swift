import Foundation
import GRDB
import RaceService
import StoreTestSupport
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// The hub's log kept in its rows (`RowLog`): what the use cases cannot reach, and the events
/// table (`RowLogConformanceTests` has the behaviour both backends share).
@Suite struct RowLogTests {
    static func changes(_ store: HubStore, after seq: Int64 = 0) throws -> [(seq: Int64, key: String, payload: String)]
    {
        try store.pull(since: PullCursor(storeID: store.storeID, seq: seq), limit: 1000).entries.map {
            ($0.seq, $0.key, $0.payload)
        }
    }

    @Test func aKeyChangedTwiceInOneWriteKeepsTheLaterPosition() throws {
        let hub = try HubFixture()
        let user = UUID()
        try hub.store.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at) VALUES (?, 's', 't', 0, 0)",
                arguments: [user])
            let stream = LiveStream(streamID: "s", title: "t", startedAt: Date(), observedAt: Date())
            try RowLog.append(
                db,
                [
                    .live(LiveState(userID: user, stream: stream)), .poll(PollState(at: Date())),
                    .live(LiveState(userID: user, stream: stream)),
                ])
        }
        let entries = try Self.changes(hub.store)
        #expect(entries.map(\.key) == ["poll", "live:\(user.lowercased)"])
        #expect(entries.map(\.seq) == [2, 3])
    }

    @Test func aChangeWhoseRowIsMissingIsKeptAsAnEvent() throws {
        let hub = try HubFixture()
        let register = CasterRegister(
            present: true, hlc: HLC(wallMs: 1, counter: 0, node: "n"), opID: UUID(), changedBy: nil)
        let state = CasterState(raceID: UUID(), userID: UUID(), register: register)
        try hub.store.pool.write { db in try RowLog.append(db, [.caster(state)]) }
        let entries = try Self.changes(hub.store)
        #expect(entries.map(\.key) == [ChangeData.caster(state).key])
        #expect(entries.first?.payload == String(decoding: try ChangeData.caster(state).payload(), as: UTF8.self))
    }

    @Test func aParticipantBackAfterItsRemovalDropsItsEvent() async throws {
        let hub = try HubFixture()
        let (organizer, _) = try await hub.store.hub.addUser(login: "org", displayName: nil)
        _ = try await hub.store.hub.addUser(login: "runner", displayName: nil)
        let race = try await hub.store.hub.createRace(name: "Any%", organizer: organizer.id)
        let added = try await hub.store.hub.addParticipant(race: race.id, caller: organizer.id, login: "runner")
        let member = try #require(added.participants.first)
        _ = try await hub.store.hub.removeParticipant(race: race.id, caller: organizer.id, participantID: member.id)
        let key = "participant:\(race.id.lowercased):\(member.user.id.lowercased)"
        let count = {
            try await hub.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM log_events WHERE key = ?", arguments: [key])
            }
        }
        #expect(try await count() == 1)
        _ = try await hub.store.hub.addParticipant(race: race.id, caller: organizer.id, login: "runner")
        #expect(try await count() == 0)
    }

    @Test func aShortPageEndsAtTheHeadSoPagingNeverStalls() throws {
        let hub = try HubFixture()
        try hub.store.pool.write { db in
            try RowLog.append(db, [.poll(PollState(at: Date()))])
            // The head's entry gone (it cannot happen through the use cases; the cursor must
            // still reach the head rather than ask for the same page forever).
            try db.execute(sql: "DELETE FROM log_events")
        }
        let page = try hub.store.pull(since: nil, limit: 10)
        #expect(page.entries.isEmpty && page.cursor.seq == 1 && !page.hasMore)
    }
}
