import Foundation
import PostgresTestSupport
import RaceService
import SyncCore
import SyncPostgres
import SyncStore
import Synchronization
import Testing

/// Several hub instances on one PostgreSQL database: migrations once, one op applied once,
/// wake-ups across instances, one leader at a time, and a database that goes away and comes back.
@Suite struct PostgresInstancesTests {
    func open(_ url: PostgresURL) async throws -> PostgresHubStore {
        try await PostgresHubStore.open(
            url, maxConnections: 4, timeout: TestPostgres.timeout, logger: TestPostgres.logger)
    }

    @Test func instancesStartingTogetherMigrateOnceAndShareOneStore() async throws {
        guard let url = try await TestPostgres.freshDatabase() else { return }
        let stores = try await withThrowingTaskGroup(of: PostgresHubStore.self) { group in
            for _ in 0..<4 { group.addTask { try await self.open(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { stores.forEach { $0.close() } }
        #expect(Set(stores.map(\.storeID)).count == 1)
        let user = try await stores[0].hub.addUser(login: "alice", displayName: nil)
        #expect(try await stores[3].hub.user(token: user.token) == user.user)
    }

    @Test func oneOpPushedToTwoInstancesAtOnceIsAppliedOnce() async throws {
        guard let url = try await TestPostgres.freshDatabase() else { return }
        let a = try await open(url)
        let b = try await open(url)
        defer {
            a.close()
            b.close()
        }
        let org = try await a.hub.addUser(login: "org", displayName: nil).user
        let alice = try await a.hub.addUser(login: "alice", displayName: nil).user
        for round in 0..<10 {
            let race = try await a.hub.createRace(name: "Race \(round)", organizer: org.id).id
            let op = Op(
                kind: .join, raceID: race, userID: alice.id,
                hlc: HLC(wallMs: WallClock.nowMs(), counter: 0, node: "laptop"))
            async let first = a.hub.push([op], caller: alice.id)
            async let second = b.hub.push([op], caller: alice.id)
            let answers = try await [first.results[0].status, second.results[0].status].sorted {
                $0.rawValue < $1.rawValue
            }
            #expect(answers == [.applied, .duplicate])
            let log = try await a.pull(since: nil, limit: 10_000).entries.filter {
                $0.key.hasPrefix("caster:\(race.lowercased)")
            }
            #expect(log.count == 1)
        }
    }

    @Test func aWriteThroughOneInstanceWakesReadersOfAnother() async throws {
        guard let url = try await TestPostgres.freshDatabase() else { return }
        let a = try await open(url)
        let b = try await open(url)
        defer {
            a.close()
            b.close()
        }
        let listener = Task { await PostgresChangeListener(store: a, logger: TestPostgres.logger).run() }
        defer { listener.cancel() }
        let org = try await b.hub.addUser(login: "org", displayName: nil).user
        // Wait until the listener is listening.
        for _ in 0..<50 where a.changeSignal.generation == 0 { try await Task.sleep(for: .milliseconds(20)) }
        for round in 0..<3 {
            let seen = a.changeSignal.generation
            // Woken by the other instance's commit (a missed wake-up would wait out the 60 s and
            // find the generation unchanged); how fast is for the benchmarks, not the tests.
            let waiter = Task { await a.changeSignal.wait(since: seen, timeout: .seconds(60)) }
            _ = try await b.hub.createRace(name: "Race \(round)", organizer: org.id)
            await waiter.value
            #expect(a.changeSignal.generation > seen)
        }
    }

    @Test func onlyOneInstanceLeadsAndAnotherTakesOverWhenItStops() async throws {
        guard let url = try await TestPostgres.freshDatabase() else { return }
        let a = try await open(url)
        let b = try await open(url)
        defer {
            a.close()
            b.close()
        }
        let leading = Leaders()
        func leader(_ name: String, _ store: PostgresHubStore) -> Task<Void, Never> {
            Task {
                await PostgresLeadership(store: store, retry: .milliseconds(200), logger: TestPostgres.logger)
                    .whileLeader {
                        leading.names.withLock { $0.append(name) }
                        defer { leading.names.withLock { $0.removeAll { $0 == name } } }
                        try? await Task.sleep(for: .seconds(3600))
                    }
            }
        }
        let first = leader("a", a)
        let second = leader("b", b)
        defer {
            first.cancel()
            second.cancel()
        }
        for _ in 0..<100 where leading.names.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(600))
        let now = leading.names.withLock { $0 }
        #expect(now.count == 1)
        // The leader goes away (its task ends, its session closes); the other takes over.
        if now == ["a"] { first.cancel() } else { second.cancel() }
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(5),
            leading.names.withLock({ $0 }) == now || leading.names.withLock({ $0.isEmpty })
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        let next = leading.names.withLock { $0 }
        #expect(next.count == 1 && next != now)
    }

    @Test func aDatabaseRestartAnswersUnavailableThenRecoversByItself() async throws {
        guard TestPostgres.adminURL != nil else { return }
        let cluster = try PrivateCluster()
        defer { cluster.stop() }
        let store = try await PostgresHubStore.open(
            try PostgresURL(cluster.url), maxConnections: 4, timeout: .seconds(3), logger: TestPostgres.logger)
        defer { store.close() }
        let org = try await store.hub.addUser(login: "org", displayName: nil).user
        let race = try await store.hub.createRace(name: "Race", organizer: org.id).id
        cluster.stop()
        let op = Op(
            kind: .join, raceID: race, userID: org.id, hlc: HLC(wallMs: WallClock.nowMs(), counter: 0, node: "laptop"))
        await #expect(throws: StoreUnavailable.self) { try await store.hub.push([op], caller: org.id) }
        #expect(await store.isAvailable() == false)
        // Meanwhile a crowd of requests is answered at once, all unavailable, none acknowledged.
        let crowd = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        _ = try await store.hub.push([op], caller: org.id)
                        return false
                    } catch {
                        return error is StoreUnavailable
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(crowd.count == 20 && crowd.allSatisfy { $0 })
        try cluster.start()
        var answer: OpResult?
        for _ in 0..<50 where answer == nil {
            answer = try? await await store.hub.push([op], caller: org.id).results.first
            if answer == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        // The op was never acknowledged before, so it applies now, once.
        #expect(answer?.status == .applied)
        #expect(await store.isAvailable())
        #expect(try await store.hub.push([op], caller: org.id).results.first?.status == .duplicate)
    }
}

/// Who leads now.
final class Leaders: Sendable {
    let names = Mutex<[String]>([])
}
