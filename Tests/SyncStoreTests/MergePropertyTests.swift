import Foundation
import PropertyBased
import RaceService
import StoreTestSupport
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// Random ops from several nodes, delivered in random orders with duplicates, must converge.
@Suite struct MergePropertyTests {
    struct Scenario {
        var races: [UUID]
        var users: [UUID]
        var ops: [Op]
    }

    /// 3–5 nodes, 2 races × 3 users, 5–40 ops with random (often colliding) stamps.
    static func scenario(seed: UInt64) -> Scenario {
        var rng = SeededGenerator(seed: seed)
        let races = (0..<2).map { _ in UUID() }
        let users = (0..<3).map { _ in UUID() }
        let nodes = (0..<Int.random(in: 3...5, using: &rng)).map { "node-\($0)" }
        // A real clock never issues one stamp twice, so stamps are unique (but often close).
        var stamps = Set<HLC>()
        let ops = (0..<Int.random(in: 5...40, using: &rng)).map { _ in
            var hlc: HLC
            repeat {
                hlc = HLC(
                    wallMs: Int64.random(in: 1000...1010, using: &rng), counter: UInt16.random(in: 0...2, using: &rng),
                    node: nodes.randomElement(using: &rng)!)
            } while !stamps.insert(hlc).inserted
            return Op(
                kind: Bool.random(using: &rng) ? .join : .leave,
                raceID: races.randomElement(using: &rng)!, userID: users.randomElement(using: &rng)!, hlc: hlc)
        }
        return Scenario(races: races, users: users, ops: ops)
    }

    /// A delivery order: a permutation of the ops with some re-sent.
    static func delivery(_ ops: [Op], seed: UInt64) -> [Op] {
        var rng = SeededGenerator(seed: seed)
        var out = ops.shuffled(using: &rng)
        for _ in 0..<Int.random(in: 0...ops.count, using: &rng) {
            out.insert(ops.randomElement(using: &rng)!, at: Int.random(in: 0...out.count, using: &rng))
        }
        return out
    }

    struct Key: Hashable {
        var race: UUID
        var user: UUID
    }

    /// The hub's merge as a pure fold: registers and first answers.
    static func merge(_ ops: [Op]) -> (registers: [Key: CasterRegister], answers: [(Op, OpResult)]) {
        var registers: [Key: CasterRegister] = [:]
        var recorded: [UUID: OpResult] = [:]
        var answers: [(Op, OpResult)] = []
        let race = Race(
            id: UUID(), name: "r", status: .running, seedsReleased: false, organizerID: UUID(),
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
        for op in ops {
            let key = Key(race: op.raceID, user: op.userID)
            let facts = CasterMerge.Facts(
                prior: recorded[op.opID], race: race, userExists: true, isParticipant: false, register: registers[key])
            let result: OpResult
            switch CasterMerge.decide(op, caller: op.userID, facts: facts, nowMs: 1005) {
            case .apply(let r):
                registers[key] = r
                result = .init(opID: op.opID, status: .applied)
            case .supersede: result = .init(opID: op.opID, status: .superseded)
            case .repeatAnswer(let a): result = a
            case .reject(let v), .refuseForeignOpID(let v):
                result = .init(opID: op.opID, status: .rejected, detail: v.reason)
            }
            if recorded[op.opID] == nil { recorded[op.opID] = result }
            answers.append((op, result))
        }
        return (registers, answers)
    }

    @Test func deliveryOrderAndDuplicatesDoNotChangeTheOutcome() async {
        await propertyCheck(count: 1000, input: Gen.int(in: 0...Int.max), Gen.int(in: 0...Int.max)) { seedA, seedB in
            let scenario = Self.scenario(seed: UInt64(seedA))
            let first = Self.merge(Self.delivery(scenario.ops, seed: UInt64(seedB)))
            let second = Self.merge(Self.delivery(scenario.ops, seed: UInt64(seedB) &+ 1))
            #expect(first.registers == second.registers)
            // Every register holds the op with the greatest stamp of its key.
            var expected: [Key: Op] = [:]
            for op in scenario.ops {
                let key = Key(race: op.raceID, user: op.userID)
                if let current = expected[key], current.hlc >= op.hlc { continue }
                expected[key] = op
            }
            #expect(first.registers.mapValues(\.opID) == expected.mapValues(\.opID))
            // `duplicate` exactly for re-sent op ids.
            var seen = Set<UUID>()
            for (op, result) in first.answers {
                let resent = !seen.insert(op.opID).inserted
                #expect((result.status == .duplicate) == resent)
            }
        }
    }

    @Test func replicasFoldingTheSameOpsInAnyOrderAgree() async {
        await propertyCheck(count: 1000, input: Gen.int(in: 0...Int.max)) { seed in
            let scenario = Self.scenario(seed: UInt64(seed))
            var rng = SeededGenerator(seed: UInt64(seed) ^ 0xABCDEF)
            for key in Set(scenario.ops.map { Key(race: $0.raceID, user: $0.userID) }) {
                let ops = scenario.ops.filter { $0.raceID == key.race && $0.userID == key.user }
                let a = CasterRegister.fold(nil, ops)
                let b = CasterRegister.fold(nil, ops.shuffled(using: &rng) + ops.shuffled(using: &rng))
                #expect(a == b)
            }
        }
    }

    /// A hub store with an organizer, three users and two races.
    static func storeWorld() async throws -> (hub: HubFixture, organizer: User, users: [User], races: [UUID]) {
        let hub = try HubFixture()
        let organizer = try await hub.user("org")
        let users = try await hub.users("u", count: 3)
        var races: [UUID] = []
        for _ in 0..<2 { races.append(try await hub.store.hub.createRace(name: "r", organizer: organizer.id).id) }
        return (hub, organizer, users, races)
    }

    /// The same property through the real store: random batches over a real SQLite file.
    @Test func hubStoreConvergesUnderRandomBatches() async throws {
        for seed in UInt64(0)..<25 {
            let (hub, organizer, users, races) = try await Self.storeWorld()
            var rng = SeededGenerator(seed: seed)
            let now = hub.clock.now
            let ops = Self.scenario(seed: seed).ops.map { op in
                Op(
                    opID: op.opID, kind: op.kind, raceID: races.randomElement(using: &rng)!,
                    userID: users.randomElement(using: &rng)!.id,
                    hlc: HLC(wallMs: now - 1010 + op.hlc.wallMs, counter: op.hlc.counter, node: op.hlc.node))
            }
            var delivery = Self.delivery(ops, seed: seed &* 31)
            var answers: [UUID: [OpStatus]] = [:]
            while !delivery.isEmpty {
                let n = Int.random(in: 1...min(7, delivery.count), using: &rng)
                let batch = Array(delivery.prefix(n))
                delivery.removeFirst(n)
                let response = try await hub.store.hub.push(batch, caller: organizer.id)
                #expect(response.results.map(\.opID) == batch.map(\.opID))
                for result in response.results { answers[result.opID, default: []].append(result.status) }
            }
            for (_, statuses) in answers {
                #expect(statuses.first == .applied || statuses.first == .superseded)
                #expect(statuses.dropFirst().allSatisfy { $0 == .duplicate })
            }
            for race in races {
                let detail = try #require(try hub.store.raceDetail(race))
                for user in users {
                    let winner = ops.filter { $0.raceID == race && $0.userID == user.id }.max { $0.hlc < $1.hlc }
                    let isCaster = detail.casters.contains { $0.user.id == user.id }
                    #expect(isCaster == (winner?.kind == .join), "seed \(seed)")
                }
            }
        }
    }

    /// Explained outcomes: every op a node sent ends in exactly one of applied, superseded with
    /// the winner named, or rejected with a reason; a named winner is a write the hub really
    /// applied (its stamp, author and kind), and the final register's writer is the author of
    /// the greatest applied stamp.
    @Test func everyOpEndsAppliedSupersededWithItsWinnerOrRejectedWithAReason() async throws {
        for seed in UInt64(100)..<125 {
            let (hub, organizer, users, races) = try await Self.storeWorld()
            var rng = SeededGenerator(seed: seed)
            let now = hub.clock.now
            // Each op is sent by its own user or by the organizer; some target a race that does not exist.
            let sent: [(op: Op, caller: UUID)] = Self.scenario(seed: seed).ops.map { op in
                let user = users.randomElement(using: &rng)!.id
                let race = Int.random(in: 0..<10, using: &rng) == 0 ? UUID() : races.randomElement(using: &rng)!
                let op = Op(
                    opID: op.opID, kind: op.kind, raceID: race, userID: user,
                    hlc: HLC(wallMs: now - 1010 + op.hlc.wallMs, counter: op.hlc.counter, node: op.hlc.node))
                return (op, Bool.random(using: &rng) ? user : organizer.id)
            }
            var written: [HLC: (author: UUID, kind: OpKind)] = [:]
            var outcomes: [UUID: OpResult] = [:]
            for (op, caller) in sent.shuffled(using: &rng) {
                let result = try #require(try await hub.store.hub.push([op], caller: caller).results.first)
                #expect(outcomes[op.opID] == nil)
                outcomes[op.opID] = result
                switch result.status {
                case .applied:
                    #expect(result.winner == nil && result.code == nil)
                    written[op.hlc] = (caller, op.kind)
                case .superseded:
                    let winner = try #require(result.winner, "seed \(seed): a superseded op must name its winner")
                    #expect(winner.hlc >= op.hlc)
                    let write = try #require(
                        written[winner.hlc], "seed \(seed): the winner must be a write the hub applied")
                    #expect(write.author == winner.user.id && write.kind == winner.kind)
                case .rejected:
                    #expect(result.code != nil && result.detail?.isEmpty == false && result.winner == nil)
                case .duplicate:
                    Issue.record("seed \(seed): each op was sent once")
                }
            }
            #expect(outcomes.count == sent.count)
            for race in races {
                let detail = try #require(try hub.store.raceDetail(race))
                for member in detail.casters {
                    let last = sent.filter {
                        $0.op.raceID == race && $0.op.userID == member.user.id
                            && outcomes[$0.op.opID]?.status == .applied
                    }
                    .max { $0.op.hlc < $1.op.hlc }
                    #expect(member.changedBy?.id == last?.caller, "seed \(seed)")
                }
            }
        }
    }
}
