import Foundation
import RaceService
import SyncCore
import SyncPostgres
import SyncStore
import Synchronization
import Testing

/// The change feed on PostgreSQL never skips: writers that dawdle inside their transactions
/// (so a `bigserial` would hand out seqs that commit out of order) and pullers reading all the
/// while; every puller ends with exactly the store's state and never sees a seq twice.
@Suite struct PostgresOrderingTests {
    @Test func concurrentWritersNeverMakeAPullerSkipOrRepeatAChange() async throws {
        guard let url = try await TestPostgres.freshDatabase() else { return }
        let store = try await PostgresHubStore.open(
            url, maxConnections: 12, timeout: TestPostgres.timeout, logger: TestPostgres.logger,
            beforeCommit: { try? await Task.sleep(for: .milliseconds(Int.random(in: 0...15))) })
        defer { store.close() }
        let org = try await store.hub.addUser(login: "org", displayName: nil).user
        let writersDone = Count()
        let writers = 8
        let rounds = 12
        try await withThrowingTaskGroup(of: [String: (seq: Int64, payload: String)].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    defer { writersDone.value.add(1, ordering: .relaxed) }
                    let me = try await store.hub.addUser(login: "writer\(writer)", displayName: nil).user
                    for round in 0..<rounds {
                        let race = try await store.hub.createRace(name: "w\(writer)r\(round)", organizer: org.id).id
                        _ = try await store.hub.castJoin(race: race, caller: me.id)
                        if round % 3 == 0 { _ = try await store.hub.castLeave(race: race, caller: me.id) }
                    }
                    return [:]
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    var cursor: PullCursor?
                    var state: [String: (seq: Int64, payload: String)] = [:]
                    var lastSeq: Int64 = 0
                    while true {
                        let finished = writersDone.value.load(ordering: .relaxed) == writers
                        let batch = try await store.pull(since: cursor, limit: 7)
                        #expect(!batch.reset)
                        for entry in batch.entries {
                            #expect(entry.seq > lastSeq, "seq \(entry.seq) seen after \(lastSeq)")
                            lastSeq = entry.seq
                            state[entry.key] = (entry.seq, entry.payload)
                        }
                        cursor = batch.cursor
                        if finished && !batch.hasMore { return state }
                        if batch.entries.isEmpty { try await Task.sleep(for: .milliseconds(3)) }
                    }
                }
            }
            var pullers = 0
            for try await state in group where !state.isEmpty {
                pullers += 1
                let expected = Dictionary(
                    uniqueKeysWithValues: try await store.pull(since: nil, limit: 100_000).entries.map {
                        ($0.key, $0.payload)
                    })
                #expect(state.count == expected.count)
                for (key, payload) in expected where state[key]?.payload != payload {
                    Issue.record("a puller missed the newest change of \(key)")
                }
            }
            #expect(pullers == 3)
        }
        // 1 + 8 users, 8 × 12 races, each with its caster register.
        let log = try await store.pull(since: nil, limit: 100_000).entries
        #expect(log.filter { $0.kind == "race" }.count == writers * rounds)
        #expect(log.filter { $0.kind == "caster" }.count == writers * rounds)
        #expect(log.map(\.seq) == log.map(\.seq).sorted())
    }
}

/// A counter tasks share.
final class Count: Sendable {
    let value = Atomic<Int>(0)
}
