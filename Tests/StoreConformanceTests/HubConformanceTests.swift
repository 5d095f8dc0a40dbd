import Foundation
import RaceService
import SyncCore
import SyncStore
import Testing

/// One suite, both backends: every behaviour of the hub store the contract relies on, through
/// The hub's use cases (`Hub`, what the HTTP layer sees), run on SQLite and on PostgreSQL.
@Suite struct HubConformanceTests {
    /// The status of the rule a call broke, or nil when it succeeded.
    func violation(_ body: () async throws -> Any) async -> Int? {
        do {
            _ = try await body()
            return nil
        } catch let violation as RuleViolation {
            return violation.statusCode
        } catch {
            Issue.record("unexpected error: \(error)")
            return -1
        }
    }

    @Test(arguments: Backend.allCases)
    func theRulesOfTheOriginalProductHold(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let runner = try await hub.user("runner")
        let caster = try await hub.user("caster")
        let race = try await store.createRace(name: "Any% <glitchless>", organizer: org.id)
        #expect(race.status == .setup && race.organizer.id == org.id)
        #expect(
            await violation { try await store.addParticipant(race: race.id, caller: runner.id, login: "runner") } == 403
        )
        #expect(
            await violation { try await store.addParticipant(race: race.id, caller: org.id, login: "nobody") } == 404)
        let withRunner = try await store.addParticipant(race: race.id, caller: org.id, login: "RUNNER")
        #expect(withRunner.participants.map(\.user.id) == [runner.id])
        #expect(await violation { try await store.castJoin(race: race.id, caller: runner.id) } == 409)
        let joined = try await store.castJoin(race: race.id, caller: caster.id)
        #expect(joined.casters.map(\.user.id) == [caster.id])
        #expect(joined.casters.first?.changedBy?.id == caster.id)
        #expect(await violation { try await store.castJoin(race: race.id, caller: caster.id) } == 409)
        #expect(
            await violation {
                try await store.removeCaster(race: race.id, caller: caster.id, casterID: joined.casters[0].id)
            } == 403)
        let removed = try await store.removeCaster(race: race.id, caller: org.id, casterID: joined.casters[0].id)
        #expect(removed.casters.isEmpty)
        #expect(await violation { try await store.castLeave(race: race.id, caller: caster.id) } == 404)
        let added = try await store.addCaster(race: race.id, caller: org.id, login: "caster")
        #expect(added.casters.first?.changedBy?.id == org.id)
        _ = try await store.transition(.releaseSeeds, race: race.id, caller: org.id)
        #expect(await violation { try await store.transition(.finish, race: race.id, caller: org.id) } == 400)
        _ = try await store.transition(.start, race: race.id, caller: org.id)
        let finished = try await store.transition(.finish, race: race.id, caller: org.id)
        #expect(finished.status == .finished && finished.seedsReleased)
        // A finished race takes no new casters; leaving stays possible.
        #expect(await violation { try await store.castJoin(race: race.id, caller: org.id) } == 400)
        #expect(await violation { try await store.castLeave(race: race.id, caller: caster.id) } == nil)
        #expect(await violation { try await store.castJoin(race: UUID(), caller: caster.id) } == 404)
        #expect(try await store.raceDetail(UUID()) == nil)
        #expect(try await store.user(token: "rs_not-a-token") == nil)
    }

    @Test(arguments: Backend.allCases)
    func tokensFindTheirUserAndLoginsAreUnique(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let (alice, token) = try await hub.addUser("Alice")
        #expect(alice.twitchUsername == "alice")
        #expect(try await hub.storage.user(token: token) == alice)
        await #expect(throws: UserAddError.duplicate("alice")) { try await hub.addUser("ALICE") }
        await #expect(throws: UserAddError.self) { try await hub.addUser("not a login") }
    }

    @Test(arguments: Backend.allCases)
    func pushesApplySupersedeRejectAndRepeat(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let runner = try await hub.user("runner")
        let alice = try await hub.user("alice")
        let race = try await store.createRace(name: "Race", organizer: org.id).id
        _ = try await store.addParticipant(race: race, caller: org.id, login: "runner")
        let t = clock.now
        let join = Op(kind: .join, raceID: race, userID: alice.id, hlc: HLC(wallMs: t, counter: 0, node: "n1"))
        let olderLeave = Op(
            kind: .leave, raceID: race, userID: alice.id, hlc: HLC(wallMs: t - 10, counter: 0, node: "n2"))
        let asParticipant = Op(
            kind: .join, raceID: race, userID: runner.id, hlc: HLC(wallMs: t, counter: 0, node: "n3"))
        let unknownRace = Op(kind: .join, raceID: UUID(), userID: alice.id, hlc: HLC(wallMs: t, counter: 1, node: "n1"))
        let first = try await store.push([join, olderLeave, join, asParticipant, unknownRace], caller: alice.id)
        #expect(first.results.map(\.status) == [.applied, .superseded, .duplicate, .rejected, .rejected])
        #expect(first.results[1].winner?.user.id == alice.id && first.results[1].winner?.hlc == join.hlc)
        // Named once decided (only superseded answers name anyone).
        #expect(first.results[1].winner?.user.twitchUsername == "alice")
        #expect(first.results[3].code == 403 || first.results[3].code == 409)
        #expect(first.results[4].code == 404)
        #expect(first.hlc >= join.hlc)
        // The same batch again: seen ops answer `duplicate`, refusals repeat, nothing changes.
        let head = try await store.logHead()
        let again = try await store.push([join, olderLeave, asParticipant], caller: alice.id)
        #expect(again.results.map(\.status) == [.duplicate, .duplicate, .rejected])
        #expect(try await store.logHead() == head)
        #expect(try await store.raceDetail(race)?.casters.map(\.user.id) == [alice.id])
        // An op stamped more than 60 s ahead of the hub's clock is refused.
        let future = Op(
            kind: .leave, raceID: race, userID: alice.id, hlc: HLC(wallMs: t + 120_000, counter: 0, node: "n1"))
        #expect(try await store.push([future], caller: alice.id).results.first?.status == .rejected)
        #expect(try await store.push([], caller: alice.id).results.isEmpty)
    }

    /// A re-sent op id is answered only to the user who first pushed it: another user reusing
    /// it is refused with 409 and learns nothing of the first op (not even that it was rejected).
    @Test(arguments: Backend.allCases)
    func anOpIDIsAnsweredOnlyToItsAuthor(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let mallory = try await hub.user("mallory")
        let race = try await store.createRace(name: "Race", organizer: org.id).id
        let join = Op(kind: .join, raceID: race, userID: alice.id, hlc: HLC(wallMs: clock.now, counter: 0, node: "n1"))
        let refused = Op(
            kind: .join, raceID: UUID(), userID: alice.id, hlc: HLC(wallMs: clock.now, counter: 1, node: "n1"))
        #expect(
            try await store.push([join, refused], caller: alice.id).results.map(\.status) == [.applied, .rejected])
        let head = try await store.logHead()
        // Mallory sends both ids again, with her own payloads.
        let reused = [join, refused].map {
            Op(opID: $0.opID, kind: .leave, raceID: race, userID: mallory.id, hlc: $0.hlc)
        }
        let answers = try await store.push(reused, caller: mallory.id).results
        for answer in answers {
            #expect(answer.status == .rejected && answer.code == 409 && answer.detail == "op_id already used")
            #expect(answer.winner == nil)
        }
        #expect(try await store.logHead() == head)
        // Alice still gets her own answers.
        #expect(
            try await store.push([join, refused], caller: alice.id).results.map(\.status) == [.duplicate, .rejected])
        #expect(try await store.push([join], caller: alice.id).results.first?.code == nil)
    }

    @Test(arguments: Backend.allCases)
    func pullPagesCompactsByRowAndResetsForeignCursors(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await store.createRace(name: "Race", organizer: org.id).id
        for _ in 0..<3 {
            _ = try await store.castJoin(race: race, caller: alice.id)
            _ = try await store.castLeave(race: race, caller: alice.id)
        }
        var cursor: PullCursor?
        var keys: [String] = []
        var seqs: [Int64] = []
        repeat {
            let batch = try await store.pull(since: cursor, limit: 2)
            #expect(!batch.reset && batch.entries.count <= 2)
            keys += batch.entries.map(\.key)
            seqs += batch.entries.map(\.seq)
            cursor = batch.cursor
            if !batch.hasMore { break }
        } while true
        // Six caster changes of one register leave one row: the newest.
        #expect(keys.count == 4 && Set(keys).count == 4)
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
        #expect(cursor == (try await store.logHead()))
        let tail = try await store.pull(since: cursor, limit: 10)
        #expect(tail.entries.isEmpty && !tail.hasMore && !tail.reset)
        let foreign = try await store.pull(since: PullCursor(storeID: "elsewhere", seq: 1), limit: 10)
        #expect(foreign.reset && foreign.cursor.seq == 0 && foreign.entries.isEmpty)
        let ahead = try await store.pull(since: PullCursor(storeID: store.storeID, seq: cursor!.seq + 100), limit: 10)
        #expect(ahead.reset)
    }

    @Test(arguments: Backend.allCases)
    func aSnapshotInstallsIntoAReplicaAsTheSameState(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await store.createRace(name: "Race", organizer: org.id).id
        _ = try await store.addParticipant(race: race, caller: org.id, login: "org")
        _ = try await store.castJoin(race: race, caller: alice.id)
        try await hub.live.recordPoll(
            seen: [
                alice.id: LiveStream(
                    streamID: "1", title: "t", startedAt: Date(timeIntervalSince1970: 1_790_000_000),
                    observedAt: Date(timeIntervalSince1970: 1_790_000_001))
            ], at: Date(timeIntervalSince1970: 1_790_000_001))
        let folder = try temporaryFolder("snap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cursor = try await store.writeSnapshot(to: folder + "/snapshot.sqlite")
        #expect(cursor == (try await store.logHead()))
        let replica = try ReplicaStore(path: folder + "/replica.sqlite")
        defer { try? replica.close() }
        try replica.login(
            ReplicaSession(hub: "http://hub", token: "t", user: alice), snapshotFile: folder + "/snapshot.sqlite")
        let local = try replica.detail(race)
        let remote = try await store.raceDetail(race)
        #expect(local?.casters.map(\.user) == remote?.casters.map(\.user))
        #expect(local?.participants.map(\.user) == remote?.participants.map(\.user))
        #expect(local?.casters.first?.isLive == true)
        #expect(try replica.cursor() == cursor.text)
    }

    @Test(arguments: Backend.allCases)
    func pollsWriteOnlyDifferencesAndFeedTheFeedsAndPages(_ backend: Backend) async throws {
        guard let hub = try await TestHub.make(backend) else { return }
        defer { hub.close() }
        let store = hub.storage
        let org = try await hub.user("org")
        let runner = try await hub.user("runner")
        let alice = try await hub.user("alice")
        let race = try await store.createRace(name: "Race & <co>", organizer: org.id).id
        _ = try await store.addParticipant(race: race, caller: org.id, login: "runner")
        _ = try await store.castJoin(race: race, caller: alice.id)
        #expect(try await hub.live.pollTargets() == ["runner": runner.id, "alice": alice.id])
        let at = Date(timeIntervalSince1970: 1_790_000_100)
        let stream = LiveStream(
            streamID: "42", title: "Live <now>", startedAt: at.addingTimeInterval(-60), observedAt: at)
        let generation = store.changeSignal.generation
        #expect(try await hub.live.recordPoll(seen: [alice.id: stream], at: at).count == 1)
        #expect(store.changeSignal.generation > generation)
        let quiet = store.changeSignal.generation
        #expect(try await hub.live.recordPoll(seen: [alice.id: stream], at: at.addingTimeInterval(60)).isEmpty)
        #expect(store.changeSignal.generation == quiet)
        let feed = try await store.liveFeed(.all, baseURL: "https://races.example/")
        #expect(feed?.items.count == 1 && feed?.items.first?.streamTitle == "Live <now>")
        #expect(feed?.items.first?.title == "alice is live (caster) in Race & <co>")
        #expect(try await store.liveFeed(.race(UUID()), baseURL: "https://races.example") == nil)
        #expect(try await store.liveFeed(.race(race), baseURL: "https://races.example")?.items.count == 1)
        let page = try await store.racePage(race)
        #expect(page?.streams[alice.id]?.streamID == "42" && page?.streams[runner.id] == nil)
        let front = try await store.frontPage()
        #expect(front.races.map(\.id) == [race] && front.live.map(\.user.id) == [alice.id])
        #expect(try await store.activeRaceIDs() == [race])
        _ = try await store.transition(.start, race: race, caller: org.id)
        _ = try await store.transition(.finish, race: race, caller: org.id)
        #expect(try await store.liveFeed(.all, baseURL: "https://races.example")?.items.isEmpty == true)
        #expect(try await hub.live.pollTargets().isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func theRaceListPagesNewestFirst(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let org = try await hub.user("org")
        var made: [UUID] = []
        for index in 0..<5 {
            made.append(try await hub.storage.createRace(name: "Race \(index)", organizer: org.id).id)
            if index != 2 { clock.advance(5) }  // two races share a creation time
        }
        var seen: [UUID] = []
        var next: RaceListCursor?
        repeat {
            let page = try await hub.storage.raceSummaries(status: nil, before: next, limit: 2)
            seen += page.races.map(\.id)
            next = page.next
        } while next != nil
        #expect(seen == made.reversed())
        #expect(try await hub.storage.raceSummaries(status: .running, before: nil, limit: 10).races.isEmpty)
        let one = try await hub.storage.raceSummaries(status: .setup, before: nil, limit: 10).races.first
        #expect(one?.organizer == org && one?.participantCount == 0 && one?.casterCount == 0)
    }
}
