import Foundation
import RaceService
import StoreTestSupport
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncNode
@testable import SyncStore

/// Several replicas writing offline and syncing in random orders end equal to the hub.
@Suite struct ReplicaConvergenceTests {
    /// A hub that answers every pull with a reset.
    final class ResettingHub: HubAPI, @unchecked Sendable {
        var pulls = 0
        func me() async throws -> User { throw HubClientError.unreachable("test") }
        func push(_ request: PushRequest) async throws -> PushResponse { PushResponse(results: [], hlc: .zero) }
        func pull(since cursor: String?, limit: Int, wait: Int) async throws -> PullPage {
            pulls += 1
            return PullPage(changes: [], cursor: "abcdef.0", hasMore: true, reset: true)
        }
    }

    @Test func aSnapshotLoginAndAJSONLoginGiveTheSameReplica() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let users = try await hub.users("u", count: 4)
        var races: [UUID] = []
        for i in 0..<6 {
            let race = try await hub.store.hub.createRace(name: "race \(i)", organizer: org.id).id
            races.append(race)
            for user in users where Bool.random() { _ = try await hub.store.hub.castJoin(race: race, caller: user.id) }
        }
        try await hub.store.hub.recordPoll(
            seen: [users[0].id: LiveStream(streamID: "9", title: "t", startedAt: Date(), observedAt: Date())],
            at: Date())
        let bySnapshot = try await ReplicaFixture(
            dir: hub.dir, name: "snap", hubStore: hub.store, user: users[1], base: hub.clock)
        let json = try ReplicaStore(path: hub.dir.file("json.sqlite"))
        let pagesOnly = InProcessHub(store: hub.store, user: users[2])
        pagesOnly.snapshots = false
        _ = try await ReplicaLogin.run(
            replicaPath: json.path, hub: pagesOnly, session: ReplicaSession(hub: "h", token: "t", user: users[2]),
            open: { json })
        #expect(try bySnapshot.store.cursor() == json.cursor())
        for race in races {
            #expect(try bySnapshot.store.detail(race) == json.detail(race))
        }
        #expect(try bySnapshot.store.liveEntries() == json.liveEntries())
        // The web pages read the same data from the hub and from a replica in sync with it,
        // so both render the same race the same.
        func confirmed(_ data: RacePageData?) -> RacePageData? {
            guard var data else { return nil }
            for index in data.detail.casters.indices { data.detail.casters[index].pending = nil }
            for index in data.detail.participants.indices { data.detail.participants[index].pending = nil }
            return data
        }
        for race in races {
            #expect(confirmed(try json.racePage(race)) == (try hub.store.racePage(race)))
        }
        #expect(try json.frontPage() == hub.store.frontPage())
        let castingLive = try races.filter {
            try hub.store.raceDetail($0)?.casters.contains { $0.user.id == users[0].id } == true
        }
        #expect(try Set(hub.store.frontPage().live.map(\.raceID)) == Set(castingLive))
        #expect(try hub.store.frontPage().live.allSatisfy { $0.user.id == users[0].id && $0.stream.title == "t" })
        try json.close()
    }

    @Test func aHubThatKeepsAnsweringResetFailsTheRoundInsteadOfLooping() async throws {
        let hub = try HubFixture()
        let alice = try await hub.user("alice")
        let replica = try await ReplicaFixture(
            dir: hub.dir, name: "a", hubStore: hub.store, user: alice, base: hub.clock)
        let broken = ResettingHub()
        await #expect(throws: HubClientError.self) { try await SyncRound(store: replica.store, hub: broken).run() }
        #expect(broken.pulls == 2)
    }

    @Test func anOpAnsweredDuplicateAfterALostResponseStaysInTheView() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let alice = try await hub.user("alice")
        let race = try await hub.store.hub.createRace(name: "r", organizer: org.id).id
        let replica = try await ReplicaFixture(
            dir: hub.dir, name: "a", hubStore: hub.store, user: alice, base: hub.clock)
        let op = try replica.store.enqueue(.join, race: race)
        // The hub merged the push, but its answer never arrived.
        _ = try await hub.store.hub.push([op], caller: alice.id)
        // The re-send is answered `duplicate`; recording it must confirm the join, not drop it.
        let again = try await hub.store.hub.push([op], caller: alice.id)
        #expect(again.results.map(\.status) == [.duplicate])
        try replica.store.record(again.results, for: [op])
        let casters = try replica.store.detail(race)?.casters ?? []
        #expect(casters.map(\.user.twitchUsername) == ["alice"] && casters.first?.pending == false)
        #expect(try replica.store.pendingOps().isEmpty)
    }

    @Test func randomOfflineWritesAndSyncOrdersConverge() async throws {
        for seed in UInt64(1)...12 {
            let hub = try HubFixture()
            var rng = SeededGenerator(seed: seed)
            let org = try await hub.user("org")
            let users = try await hub.users("caster", count: 3)
            let races = try await hub.races(2, organizer: org.id)
            var replicas: [ReplicaFixture] = []
            for (index, user) in users.enumerated() {
                replicas.append(
                    try await ReplicaFixture(
                        dir: hub.dir, name: "n\(index)", hubStore: hub.store, user: user,
                        offsetMs: Int64.random(in: -600_000...30_000, using: &rng), base: hub.clock))
            }
            for _ in 0..<40 {
                let replica = replicas.randomElement(using: &rng)!
                let race = races.randomElement(using: &rng)!
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<6:
                    let isCaster = try replica.casters(race).contains(replica.hub.user.twitchUsername)
                    _ = try replica.store.enqueue(isCaster ? .leave : .join, race: race)
                case 6..<9:
                    try await replica.sync()
                default:
                    replica.hub.online.toggle()
                    _ = try? await replica.sync()
                    replica.hub.online = true
                }
                hub.clock.advance(ms: Int64.random(in: 0...50, using: &rng))
            }
            // Everyone syncs twice (the second round pulls what the others pushed last).
            for _ in 0..<2 { for replica in replicas { try await replica.sync() } }
            for race in races {
                let truth = try hub.store.raceDetail(race)!.casters.map(\.user.twitchUsername)
                for replica in replicas {
                    #expect(try replica.casters(race) == truth, "seed \(seed)")
                    #expect(try replica.store.pendingOps().isEmpty)
                }
            }
        }
    }

    @Test func skewedClocksConvergeAndAFarFutureClockIsRejectedClearly() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let behind = try await hub.user("behind")
        let ahead = try await hub.user("ahead")
        let broken = try await hub.user("broken")
        let race = try await hub.store.hub.createRace(name: "r", organizer: org.id).id
        let a = try await ReplicaFixture(
            dir: hub.dir, name: "a", hubStore: hub.store, user: behind, offsetMs: -600_000, base: hub.clock)
        let b = try await ReplicaFixture(
            dir: hub.dir, name: "b", hubStore: hub.store, user: ahead, offsetMs: 30_000, base: hub.clock)
        let c = try await ReplicaFixture(
            dir: hub.dir, name: "c", hubStore: hub.store, user: broken, offsetMs: 120_000, base: hub.clock)
        _ = try b.store.enqueue(.join, race: race)
        try await b.sync()
        // A's clock is 10 minutes behind, yet its join (stamped after what it has seen) applies.
        try await a.sync()
        _ = try a.store.enqueue(.join, race: race)
        let reportA = try await a.sync()
        #expect(reportA.applied.count == 1)
        // B leaves; its clock is ahead but within 60 s: applied.
        _ = try b.store.enqueue(.leave, race: race)
        #expect(try await b.sync().applied.count == 1)
        // C is 2 minutes ahead: rejected with a reason that says so.
        _ = try c.store.enqueue(.join, race: race)
        let reportC = try await c.sync()
        #expect(reportC.rejected.first?.code == 400)
        #expect(reportC.rejected.first?.detail.contains("ahead of the hub") == true)
        for replica in [a, b, c] { try await replica.sync() }
        let truth = try hub.store.raceDetail(race)!.casters.map(\.user.twitchUsername)
        #expect(truth == ["behind"])
        for replica in [a, b, c] { #expect(try replica.casters(race) == truth) }
    }

    @Test func aLongPartitionDrainsThousandsOfOpsInOrder() async throws {
        let hub = try HubFixture()
        let org = try await hub.user("org")
        let me = try await hub.user("me")
        let races = try await hub.races(50, organizer: org.id)
        let node = try await ReplicaFixture(dir: hub.dir, name: "node", hubStore: hub.store, user: me, base: hub.clock)
        node.hub.online = false
        var expected: [UUID: Bool] = [:]
        for i in 0..<3000 {
            let race = races[i % races.count]
            let join = !(expected[race] ?? false)
            _ = try node.store.enqueue(join ? .join : .leave, race: race)
            expected[race] = join
            hub.clock.advance(ms: 1)
        }
        #expect(try node.store.pendingOps().count == 3000)
        await #expect(throws: HubClientError.self) { try await node.sync() }
        #expect(try node.store.pendingOps().count == 3000)
        node.hub.online = true
        let report = try await node.sync()
        #expect(report.applied.count == 3000 && report.rejected.isEmpty)
        #expect(try node.store.pendingOps().isEmpty)
        for race in races {
            let isCaster = try hub.store.raceDetail(race)!.casters.contains { $0.user.id == me.id }
            #expect(isCaster == expected[race])
            #expect(try node.casters(race).contains("me") == expected[race])
        }
    }
}
