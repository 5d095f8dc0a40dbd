import Foundation
import GRDB
import Testing
@testable import SyncCore

@Suite struct StoreTests {
    @Test func createsMigratesAndReopens() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("nested/folder/hub.sqlite")
        var store: HubStore? = try HubStore(path: path)
        let id = store!.storeID
        _ = try store!.addUser(login: "alice", displayName: "Alice")
        try store!.close()
        store = try HubStore(path: path)
        #expect(store!.storeID == id)
        #expect(try store!.users().map(\.twitchUsername) == ["alice"])
        let mode = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        try store!.close()
    }

    @Test func tokensAreStoredOnlyAsHashes() throws {
        let hub = try HubFixture()
        let (user, token) = try hub.store.addUser(login: "Alice", displayName: nil)
        #expect(user.twitchUsername == "alice")
        #expect(APIToken.isWellFormed(token))
        #expect(try hub.store.user(token: token)?.id == user.id)
        #expect(try hub.store.user(token: token + "x") == nil)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: hub.dir.file("hub.sqlite")))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: hub.dir.file("hub.sqlite-wal")))) ?? Data()
        #expect(bytes.range(of: Data(token.utf8)) == nil)
        #expect(wal.range(of: Data(token.utf8)) == nil)
    }

    @Test func duplicateLoginsAreRefusedCaseInsensitively() throws {
        let hub = try HubFixture()
        _ = try hub.user("alice")
        #expect(throws: UserAddError.duplicate("alice")) { try hub.store.addUser(login: "ALICE", displayName: nil) }
        #expect(throws: UserAddError.self) { try hub.store.addUser(login: "no spaces", displayName: nil) }
        #expect(try hub.store.users().count == 1)
    }

    @Test func changeLogFollowsEveryStateChange() throws {
        let hub = try HubFixture()
        let org = try hub.user("org")
        let alice = try hub.user("alice")
        let race = try hub.store.createRace(name: "Any%", organizer: org.id)
        _ = try hub.store.addParticipant(race: race.id, caller: org.id, login: "org")
        _ = try hub.store.castJoin(race: race.id, caller: alice.id)
        _ = try hub.store.transition(.start, race: race.id, caller: org.id)
        _ = try hub.store.castLeave(race: race.id, caller: alice.id)
        let page = try hub.store.pull(since: nil, limit: 100)
        #expect(page.entries.map(\.kind) == ["user", "user", "race", "participant", "caster", "race", "caster"])
        #expect(page.entries.map(\.seq) == Array(1...7))
        #expect(!page.hasMore && !page.reset)
        let changes = try WireJSON.decode(PullPage.self, from: page.json()).changes
        guard case .caster(let last) = changes.last?.data else { Issue.record("expected a caster change"); return }
        #expect(last.register.present == false && last.userID == alice.id)
        guard case .race(let state) = changes[5].data else { Issue.record("expected a race change"); return }
        #expect(state.race.status == .running)
    }

    @Test func pullPagesAndCursors() throws {
        let hub = try HubFixture()
        let org = try hub.user("org")
        for i in 0..<9 { _ = try hub.store.createRace(name: "race \(i)", organizer: org.id) }
        var cursor: PullCursor?
        var seqs: [Int64] = []
        var pages = 0
        repeat {
            let page = try hub.store.pull(since: cursor, limit: 4)
            seqs += page.entries.map(\.seq)
            cursor = page.cursor
            pages += 1
            if !page.hasMore { break }
        } while pages < 10
        #expect(seqs == Array(1...10))
        #expect(pages == 3)
        // A cursor of another store, or beyond the end, means reset.
        #expect(try hub.store.pull(since: PullCursor(storeID: "abcdef", seq: 3), limit: 4).reset)
        #expect(try hub.store.pull(since: PullCursor(storeID: hub.store.storeID, seq: 99), limit: 4).reset)
        #expect(PullCursor("nonsense") == nil && PullCursor("ab.-1") == nil && PullCursor("ab.3") != nil)
    }

    @Test func compactionKeepsTheNewestPerKeyAndResetsOldCursors() throws {
        let hub = try HubFixture()
        let org = try hub.user("org")
        let alice = try hub.user("alice")
        let race = try hub.store.createRace(name: "r", organizer: org.id)
        for _ in 0..<3 {
            _ = try hub.store.castJoin(race: race.id, caller: alice.id)
            _ = try hub.store.castLeave(race: race.id, caller: alice.id)
        }
        let before = try hub.store.pull(since: nil, limit: 100)
        try hub.store.compactLog(through: before.cursor.seq)
        let after = try hub.store.pull(since: nil, limit: 100)
        #expect(after.entries.map(\.kind) == ["user", "user", "race", "caster"])
        #expect(try hub.store.pull(since: PullCursor(storeID: hub.store.storeID, seq: 2), limit: 10).reset)
    }

    @Test func aFailureMidBatchWritesNothing() throws {
        let hub = try HubFixture()
        let org = try hub.user("org")
        let race = try hub.store.createRace(name: "r", organizer: org.id)
        let users = try (0..<5).map { try hub.user("u\($0)") }
        let ops = users.map { Op(kind: .join, raceID: race.id, userID: $0.id, hlc: HLC(wallMs: hub.clock.now, counter: 0, node: "n")) }
        // Make SQLite itself fail on the fourth op, after three were written in the transaction.
        let sideDoor = try DatabaseQueue(path: hub.dir.file("hub.sqlite"))
        try sideDoor.write { db in
            let hex = users[3].id.bytes.map { String(format: "%02X", $0) }.joined()
            try db.execute(sql: "CREATE TRIGGER boom BEFORE INSERT ON casters WHEN NEW.user_id = X'\(hex)' BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
        }
        try sideDoor.close()
        let logBefore = try hub.store.pull(since: nil, limit: 100).entries.count
        #expect(throws: DatabaseError.self) { try hub.store.push(ops, caller: org.id) }
        #expect(try hub.store.raceDetail(race.id)?.casters.isEmpty == true)
        #expect(try hub.store.pull(since: nil, limit: 100).entries.count == logBefore)
        // Nothing recorded as answered: after the fault is gone the same ops apply.
        try DatabaseQueue(path: hub.dir.file("hub.sqlite")).write { try $0.execute(sql: "DROP TRIGGER boom") }
        #expect(try hub.store.push(ops, caller: org.id).results.allSatisfy { $0.status == .applied })
    }

    @Test func restWritesGoThroughTheMergeAndWinOverOlderStamps() throws {
        let hub = try HubFixture()
        let org = try hub.user("org")
        let alice = try hub.user("alice")
        let race = try hub.store.createRace(name: "r", organizer: org.id)
        // A node stamped a join 30 s ahead of the hub's clock (allowed).
        let ahead = Op(kind: .join, raceID: race.id, userID: alice.id, hlc: HLC(wallMs: hub.clock.now + 30_000, counter: 0, node: "n"))
        #expect(try hub.store.push([ahead], caller: alice.id).results[0].status == .applied)
        // The hub observed it, so its own later stamp still wins.
        let left = try hub.store.castLeave(race: race.id, caller: alice.id)
        #expect(left.casters.isEmpty)
        #expect(hub.store.currentHLC > ahead.hlc)
    }

    @Test func hubRestartKeepsItsClockAheadOfStoredRegisters() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        let clock = ManualClock()
        var store = try HubStore(path: path, now: { clock.now })
        let org = try store.addUser(login: "org", displayName: nil).user
        let race = try store.createRace(name: "r", organizer: org.id)
        let future = HLC(wallMs: clock.now + 50_000, counter: 9, node: "n")
        _ = try store.push([Op(kind: .join, raceID: race.id, userID: org.id, hlc: future)], caller: org.id)
        try store.close()
        store = try HubStore(path: path, now: { clock.now })
        #expect(try store.castLeave(race: race.id, caller: org.id).casters.isEmpty)
        try store.close()
    }
}
