import Foundation
import GRDB
import RaceService
import StoreTestSupport
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

@Suite struct StoreTests {
    @Test func createsMigratesAndReopens() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("nested/folder/hub.sqlite")
        var store: HubStore? = try HubStore(path: path)
        let id = store!.storeID
        _ = try await store!.hub.addUser(login: "alice", displayName: "Alice")
        try store!.close()
        store = try HubStore(path: path)
        #expect(store!.storeID == id)
        try store!.close()
        store = try HubStore(path: path, beginEpoch: true)
        #expect(store!.storeID != id)
        // The earlier epoch's cursors stay valid in the new one.
        #expect(try !store!.pull(since: PullCursor(storeID: id, seq: 1), limit: 10).reset)
        #expect(try store!.users().map(\.twitchUsername) == ["alice"])
        let mode = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        try store!.close()
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        let hub = try HubFixture()
        let (user, token) = try await hub.store.hub.addUser(login: "Alice", displayName: nil)
        #expect(user.twitchUsername == "alice")
        #expect(APIToken.isWellFormed(token))
        #expect(try await hub.store.hub.user(token: token)?.id == user.id)
        #expect(try await hub.store.hub.user(token: token + "x") == nil)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: hub.dir.file("hub.sqlite")))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: hub.dir.file("hub.sqlite-wal")))) ?? Data()
        #expect(bytes.range(of: Data(token.utf8)) == nil)
        #expect(wal.range(of: Data(token.utf8)) == nil)
    }

    @Test func duplicateLoginsAreRefusedCaseInsensitively() async throws {
        let hub = try HubFixture()
        _ = try await hub.user("alice")
        await #expect(throws: UserAddError.duplicate("alice")) {
            try await hub.store.hub.addUser(login: "ALICE", displayName: nil)
        }
        await #expect(throws: UserAddError.self) {
            try await hub.store.hub.addUser(login: "no spaces", displayName: nil)
        }
        #expect(try hub.store.users().count == 1)
    }

    @Test func changeLogFollowsEveryStateChange() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await hub.store.hub.createRace(name: "Any%", organizer: org.id)
        _ = try await hub.store.hub.addParticipant(race: race.id, caller: org.id, login: "org")
        _ = try await hub.store.hub.castJoin(race: race.id, caller: alice.id)
        _ = try await hub.store.hub.transition(.start, race: race.id, caller: org.id)
        _ = try await hub.store.hub.castLeave(race: race.id, caller: alice.id)
        let page = try hub.store.pull(since: nil, limit: 100)
        // One row per replicated row, each its newest change: the race's start replaced its
        // creation, the leave replaced the join.
        #expect(page.entries.map(\.kind) == ["user", "user", "participant", "race", "caster"])
        #expect(page.entries.map(\.seq) == [1, 2, 4, 6, 7])
        #expect(!page.hasMore && !page.reset)
        let changes = try WireJSON.decode(PullPage.self, from: page.json()).changes
        guard case .caster(let last) = changes.last?.data else {
            Issue.record("expected a caster change")
            return
        }
        #expect(last.register.present == false && last.userID == alice.id)
        guard case .race(let state) = changes[3].data else {
            Issue.record("expected a race change")
            return
        }
        #expect(state.race.status == .running)
    }

    @Test func pullPagesAndCursors() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        for i in 0..<9 { _ = try await hub.store.hub.createRace(name: "race \(i)", organizer: org.id) }
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

    @Test func theLogIsBoundedByStateNotHistoryAndNeverResetsANodeThatIsBehind() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await hub.store.hub.createRace(name: "r", organizer: org.id)
        let early = try hub.store.pull(since: nil, limit: 100).cursor
        let freshBefore = try hub.store.pull(since: nil, limit: 5000).entries.count
        for _ in 0..<100 {
            _ = try await hub.store.hub.castJoin(race: race.id, caller: alice.id)
            _ = try await hub.store.hub.castLeave(race: race.id, caller: alice.id)
        }
        let fresh = try hub.store.pull(since: nil, limit: 5000)
        #expect(fresh.entries.count == freshBefore + 1)
        #expect(Set(fresh.entries.map(\.key)).count == fresh.entries.count)
        // A node that pulled before the rewrites is behind, not lost: it gets the newest state.
        let behind = try hub.store.pull(since: early, limit: 5000)
        #expect(!behind.reset)
        #expect(behind.entries.map(\.kind) == ["caster"])
        let state = try WireJSON.decode(PullPage.self, from: behind.json()).changes[0].data
        guard case .caster(let caster) = state else {
            Issue.record("expected a caster")
            return
        }
        #expect(caster.register.present == false)
        // Every cursor the log ever issued is still served without a reset.
        for seq in 0...fresh.cursor.seq {
            #expect(try !hub.store.pull(since: PullCursor(storeID: hub.store.storeID, seq: seq), limit: 10).reset)
        }
    }

    @Test func aPollThatChangesNothingReplacesOneRowAndWakesNoLongPoll() async throws {
        let hub = try HubFixture()
        let generation = hub.store.changeSignal.generation
        for i in 0..<50 {
            try await hub.store.hub.recordPoll(seen: [:], at: Date(timeIntervalSince1970: Double(1_790_000_000 + i)))
        }
        let fresh = try hub.store.pull(since: nil, limit: 5000)
        #expect(fresh.entries.map(\.kind) == ["poll"])
        #expect(hub.store.changeSignal.generation == generation)
    }

    @Test func aRestoredBackupResetsCursorsFromBeyondIt() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        let backup = dir.file("backup.sqlite")
        var store = try HubStore(path: path, beginEpoch: true)
        let org = try await store.hub.addUser(login: "org", displayName: nil).user
        _ = try await store.hub.createRace(name: "before the backup", organizer: org.id)
        let atBackup = try store.pull(since: nil, limit: 100).cursor
        try store.close()
        try FileManager.default.copyItem(atPath: path, toPath: backup)
        try? FileManager.default.copyItem(atPath: path + "-wal", toPath: backup + "-wal")
        // The original goes on, restarts once, and a node follows it to the end.
        store = try HubStore(path: path, beginEpoch: true)
        for i in 0..<3 { _ = try await store.hub.createRace(name: "lost \(i)", organizer: org.id) }
        let nodeCursor = try store.pull(since: atBackup, limit: 100).cursor
        let nodeCursorOfFirstEpoch = PullCursor(storeID: atBackup.storeID, seq: atBackup.seq + 2)
        try store.close()
        // Disaster: the backup is restored and new writes reuse the lost sequence numbers.
        try FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        try FileManager.default.copyItem(atPath: backup, toPath: path)
        try? FileManager.default.copyItem(atPath: backup + "-wal", toPath: path + "-wal")
        store = try HubStore(path: path, beginEpoch: true)
        defer { try? store.close() }
        for i in 0..<5 { _ = try await store.hub.createRace(name: "after restore \(i)", organizer: org.id) }
        #expect(try store.pull(since: nodeCursor, limit: 100).reset)
        #expect(try store.pull(since: nodeCursorOfFirstEpoch, limit: 100).reset)
        // A cursor from before the backup is still good: nothing it saw was lost.
        let fromBackup = try store.pull(since: atBackup, limit: 100)
        #expect(!fromBackup.reset && fromBackup.entries.count == 5)
    }

    @Test func aFailureMidBatchWritesNothing() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let race = try await hub.store.hub.createRace(name: "r", organizer: org.id)
        let users = try await hub.users("u", count: 5)
        let ops = users.map {
            Op(kind: .join, raceID: race.id, userID: $0.id, hlc: HLC(wallMs: hub.clock.now, counter: 0, node: "n"))
        }
        // Make SQLite itself fail on the fourth op, after three were written in the transaction.
        let sideDoor = try DatabaseQueue(path: hub.dir.file("hub.sqlite"))
        try await sideDoor.write { db in
            let hex = users[3].id.bytes.map { String(format: "%02X", $0) }.joined()
            try db.execute(
                sql:
                    "CREATE TRIGGER boom BEFORE INSERT ON casters WHEN NEW.user_id = X'\(hex)' BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        }
        try sideDoor.close()
        let logBefore = try hub.store.pull(since: nil, limit: 100).entries.count
        await #expect(throws: DatabaseError.self) { try await hub.store.hub.push(ops, caller: org.id) }
        #expect(try hub.store.raceDetail(race.id)?.casters.isEmpty == true)
        #expect(try hub.store.pull(since: nil, limit: 100).entries.count == logBefore)
        // Nothing recorded as answered: after the fault is gone the same ops apply.
        try await DatabaseQueue(path: hub.dir.file("hub.sqlite")).write { try $0.execute(sql: "DROP TRIGGER boom") }
        #expect(try await hub.store.hub.push(ops, caller: org.id).results.allSatisfy { $0.status == .applied })
    }

    @Test func restWritesGoThroughTheMergeAndWinOverOlderStamps() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await hub.store.hub.createRace(name: "r", organizer: org.id)
        // A node stamped a join 30 s ahead of the hub's clock (allowed).
        let ahead = Op(
            kind: .join, raceID: race.id, userID: alice.id,
            hlc: HLC(wallMs: hub.clock.now + 30_000, counter: 0, node: "n"))
        #expect(try await hub.store.hub.push([ahead], caller: alice.id).results[0].status == .applied)
        // The hub observed it, so its own later stamp still wins.
        let left = try await hub.store.hub.castLeave(race: race.id, caller: alice.id)
        #expect(left.casters.isEmpty)
        #expect(hub.store.currentHLC > ahead.hlc)
    }

    @Test func hubRestartKeepsItsClockAheadOfStoredRegisters() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("hub.sqlite")
        let clock = ManualClock()
        var store = try HubStore(path: path, now: { clock.now })
        let org = try await store.hub.addUser(login: "org", displayName: nil).user
        let race = try await store.hub.createRace(name: "r", organizer: org.id)
        let future = HLC(wallMs: clock.now + 50_000, counter: 9, node: "n")
        _ = try await store.hub.push([Op(kind: .join, raceID: race.id, userID: org.id, hlc: future)], caller: org.id)
        try store.close()
        store = try HubStore(path: path, now: { clock.now })
        #expect(try await store.hub.castLeave(race: race.id, caller: org.id).casters.isEmpty)
        try store.close()
    }

    @Test func rowsRaceSyncCannotReadAreNamedNotGuessed() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let race = try await hub.store.hub.createRace(name: "r", organizer: org.id)
        _ = try await hub.store.hub.castJoin(race: race.id, caller: org.id)
        let sideDoor = try DatabaseQueue(path: hub.dir.file("hub.sqlite"))
        try await sideDoor.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE casters SET hlc_counter = 70000")
        }
        try sideDoor.close()
        #expect {
            try hub.store.raceDetail(race.id)
        } throws: { error in
            "\(error)".contains("casters") && "\(error)".contains("70000")
        }
    }
}
