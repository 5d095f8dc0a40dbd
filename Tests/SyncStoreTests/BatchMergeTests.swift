import Foundation
import GRDB
import PropertyBased
import RaceService
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// The set-based merge of a batch (`Hub.push`) against the same ops pushed one at a time, each
/// a batch of one (what a REST write takes): for random batches — duplicates within a batch, ids re-sent in a later
/// batch, unknown races and users, ops for other users, participants, stamps far in the
/// future, equal stamps — both give the same answers and leave the same store.
@Suite struct BatchMergeTests {
    /// Two stores with the same users and races (one built, then copied), the same clock.
    final class Twins: @unchecked Sendable {
        let dir = TempDir()
        let setBased: HubStore
        let oneByOne: HubStore
        let users: [User]
        let organizer: User
        let races: [UUID]

        init() async throws {
            let first = dir.file("a.sqlite")
            let clock: @Sendable () -> Int64 = { 1_790_000_000_000 }
            let seed = try HubStore(path: first, now: clock)
            organizer = try await seed.hub.addUser(login: "org", displayName: nil).user
            var made: [User] = []
            for i in 0..<5 { made.append(try await seed.hub.addUser(login: "user\(i)", displayName: nil).user) }
            users = made
            let running = try await seed.hub.createRace(name: "running", organizer: organizer.id).id
            _ = try await seed.hub.transition(.start, race: running, caller: organizer.id)
            let setup = try await seed.hub.createRace(name: "setup", organizer: organizer.id).id
            let finished = try await seed.hub.createRace(name: "finished", organizer: organizer.id).id
            _ = try await seed.hub.transition(.start, race: finished, caller: organizer.id)
            _ = try await seed.hub.transition(.finish, race: finished, caller: organizer.id)
            _ = try await seed.hub.addParticipant(race: running, caller: organizer.id, login: "user0")
            _ = try await seed.hub.castJoin(race: running, caller: users[1].id)
            races = [running, setup, finished]
            try await seed.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            try seed.close()
            try FileManager.default.copyItem(atPath: first, toPath: dir.file("b.sqlite"))
            setBased = try HubStore(path: first, now: clock)
            oneByOne = try HubStore(path: dir.file("b.sqlite"), now: clock)
        }

        deinit {
            try? setBased.close()
            try? oneByOne.close()
            dir.cleanup()
        }

        /// Everything a pull, a page or a later merge can see, without the log's sequence numbers.
        static func state(_ store: HubStore) throws -> [String] {
            try store.pool.read { db in
                let casters = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT race_id, user_id, \(StateQueries.registerColumns) FROM casters ORDER BY race_id, user_id"
                ).map(\.description)
                let answers = try Row.fetchAll(db, sql: "SELECT * FROM applied_ops ORDER BY op_id").map(\.description)
                let log = try RowLog.entries(db, after: 0, limit: .max).map { "\($0.kind) \($0.key) \($0.payload)" }
                return casters + ["--"] + answers + ["--"] + log
            }
        }
    }

    static func batch(_ twins: Twins, _ rng: inout SeededGenerator, resendable: inout [Op]) -> (ops: [Op], caller: UUID)
    {
        let base: Int64 = 1_790_000_000_000
        let caller = Bool.random(using: &rng) ? twins.organizer.id : twins.users.randomElement(using: &rng)!.id
        var ops: [Op] = []
        for _ in 0..<Int.random(in: 1...40, using: &rng) {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 8, let again = (ops + resendable).randomElement(using: &rng) {
                ops.append(again)  // a duplicate within the batch, or an id sent before
                continue
            }
            let race = roll < 12 ? UUID() : twins.races.randomElement(using: &rng)!
            let user =
                roll < 15 ? UUID() : (Bool.random(using: &rng) ? caller : twins.users.randomElement(using: &rng)!.id)
            let wall =
                roll < 18
                ? base + 61_000 + Int64.random(in: 0...5000, using: &rng) : base + Int64.random(in: -3...3, using: &rng)
            let hlc = HLC(
                wallMs: wall, counter: UInt16.random(in: 0...2, using: &rng),
                node: ["a", "b"].randomElement(using: &rng)!)
            ops.append(Op(kind: Bool.random(using: &rng) ? .join : .leave, raceID: race, userID: user, hlc: hlc))
        }
        resendable += ops
        return (ops, caller)
    }

    @Test func theSetBasedMergeGivesTheSameAnswersAndStoreAsOneByOne() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...Int.max)) { seed in
            guard let twins = await try? Twins() else {
                Issue.record("could not set up the stores")
                return
            }
            var rng = SeededGenerator(seed: UInt64(seed))
            var resendable: [Op] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let (ops, caller) = Self.batch(twins, &rng, resendable: &resendable)
                let fast = try? await twins.setBased.hub.push(ops, caller: caller)
                let reference = try? await Self.oneAtATime(ops, caller: caller, on: twins.oneByOne.hub)
                #expect(fast != nil && fast?.results == reference?.results)
                #expect(fast?.hlc == reference?.hlc)
            }
            let same = (try? Twins.state(twins.setBased)) == (try? Twins.state(twins.oneByOne))
            #expect(same)
        }
    }

    @Test func aThousandOpBatchIsOneTransactionWithAHandfulOfStatements() async throws {
        let twins = try await Twins()
        var ops: [Op] = []
        for i in 0..<1000 {
            let kind: OpKind = i % 3 == 0 ? .leave : .join
            let hlc = HLC(wallMs: 1_790_000_000_000 - 5000 + Int64(i), counter: 0, node: "n")
            ops.append(Op(kind: kind, raceID: twins.races[0], userID: twins.users[1 + i % 4].id, hlc: hlc))
        }
        let counter = StatementCounter()
        try await twins.setBased.pool.writeWithoutTransaction { db in
            db.trace { event in if case .statement = event { counter.count += 1 } }
        }
        let response = try await twins.setBased.hub.push(ops, caller: twins.organizer.id)
        #expect(response.results.count == 1000)
        #expect(counter.count < 20, "\(counter.count) statements")
        #expect(try Twins.state(twins.setBased) != Twins.state(twins.oneByOne))
        _ = try await Self.oneAtATime(ops, caller: twins.organizer.id, on: twins.oneByOne.hub)
        #expect(try Twins.state(twins.setBased) == Twins.state(twins.oneByOne))
    }

    /// The reference: each op pushed alone, as a batch of one (what a REST write takes).
    static func oneAtATime(_ ops: [Op], caller: UUID, on hub: Hub) async throws -> PushResponse {
        var results: [OpResult] = []
        for op in ops { results += try await hub.push([op], caller: caller).results }
        return PushResponse(results: results, hlc: hub.currentHLC)
    }
}

/// Counts traced statements (test only; the writer runs one statement at a time).
final class StatementCounter: @unchecked Sendable {
    var count = 0

}
