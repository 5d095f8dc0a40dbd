import Foundation
import PropertyBased
import RaceService
import StoreTestSupport
import TestSupport
import Testing

@testable import SyncCore
@testable import SyncStore

/// The hand-written pull page decoder against `JSONDecoder`: equal on every page a hub serves,
/// and total on anything else.
@Suite struct PullPageDecoderTests {
    static func same(_ a: PullPage, _ b: PullPage) -> Bool {
        a.changes == b.changes && a.cursor == b.cursor && a.hasMore == b.hasMore && a.reset == b.reset
    }

    /// A hub with every kind of change, including hostile text.
    static func busyHub(_ seed: UInt64) async throws -> HubFixture {
        var rng = SeededGenerator(seed: seed)
        let hub = try HubFixture()
        let org = try await hub.store.hub.addUser(login: "org", displayName: "Org \"quoted\" \\ \u{1F3C1} \u{2028}")
            .user
        var users: [User] = []
        for index in 0..<6 {
            let name = Bool.random(using: &rng) ? nil : "Ü\(index) <b>&"
            users.append(try await hub.store.hub.addUser(login: "u\(index)", displayName: name).user)
        }
        for index in 0..<4 {
            let race = try await hub.store.hub.createRace(
                name: "Race \(index) \u{00E9}\u{0301} \"x\" / \\n", organizer: org.id
            )
            .id
            if Bool.random(using: &rng) { _ = try await hub.store.hub.transition(.start, race: race, caller: org.id) }
            _ = try await hub.store.hub.addParticipant(race: race, caller: org.id, login: users[index].twitchUsername)
            for user in users.shuffled(using: &rng).prefix(3) where user.id != users[index].id {
                _ = try? await hub.store.hub.castJoin(race: race, caller: user.id)
                if Bool.random(using: &rng) { _ = try? await hub.store.hub.castLeave(race: race, caller: user.id) }
            }
        }
        let live = Dictionary(
            uniqueKeysWithValues: users.prefix(3).map {
                (
                    $0.id,
                    LiveStream(
                        streamID: "\(UInt32.random(in: 0...UInt32.max, using: &rng))", title: "WR? \u{0007}\t\"tab\" 🏁",
                        startedAt: Date(), observedAt: Date())
                )
            })
        try await hub.store.hub.recordPoll(seen: live, at: Date())
        try await hub.store.hub.recordPoll(seen: [:], at: Date())
        return hub
    }

    @Test func equalToJSONDecoderOnEveryPageAHubServes() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...Int.max), Gen.int(in: 1...40)) { seed, limit in
            guard let hub = await try? Self.busyHub(UInt64(seed)) else {
                Issue.record("setup failed")
                return
            }
            var cursor: PullCursor?
            while true {
                guard let batch = try? hub.store.pull(since: cursor, limit: limit) else {
                    Issue.record("pull failed")
                    return
                }
                let body = batch.json()
                let reference = try? WireJSON.decode(PullPage.self, from: body)
                let fast = try? PullPageDecoder.decode(body)
                #expect(reference != nil && fast != nil && Self.same(reference!, fast!))
                cursor = batch.cursor
                if !batch.hasMore { break }
            }
        }
    }

    @Test func anythingElseIsRefusedOrDecodedTheSameNeverACrash() async throws {
        let hub = try await Self.busyHub(7)
        let body = Array(try hub.store.pull(since: nil, limit: 100).json())
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            var bytes = body
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: at)
                default: bytes.insert(Array("{}[]\",:\\u0-1e9".utf8).randomElement(using: &rng)!, at: at)
                }
            }
            let fast = try? PullPageDecoder.decode(Data(bytes))
            let reference = try? WireJSON.decode(PullPage.self, from: Data(bytes))
            if let fast, let reference { #expect(Self.same(fast, reference)) }
        }
        for hostile in [
            "", "[", String(repeating: "[", count: 10_000), "{\"changes\":[{\"seq\":99999999999999999999}]}",
            "\"\\ud800\"", "{\"a\":1e999999}",
        ] {
            #expect(throws: PullPageDecoder.Invalid.self) { try PullPageDecoder.decode(Data(hostile.utf8)) }
        }
    }
}
