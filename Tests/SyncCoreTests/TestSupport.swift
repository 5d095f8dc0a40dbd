import Foundation
import RaceService

@testable import SyncCore
@testable import SyncNode
@testable import SyncStore
@testable import SyncTwitch

/// A fresh temporary folder, removed by `cleanup()`.
struct TempDir {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "racesync-test-" + UUID().uuidString.prefix(8)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// A deterministic generator (SplitMix64) for reproducible random scenarios.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A hub store on a temporary file with a controllable wall clock.
final class HubFixture: @unchecked Sendable {
    let dir = TempDir()
    let clock = ManualClock()
    let store: HubStore

    init() throws {
        let clock = self.clock
        store = try HubStore(path: dir.file("hub.sqlite"), now: { clock.now })
    }

    func user(_ login: String) async throws -> User {
        try await store.hub.addUser(login: login, displayName: nil).user
    }

    /// Users named `prefix0`, `prefix1`, … (`count` of them).
    func users(_ prefix: String, count: Int) async throws -> [User] {
        var users: [User] = []
        for index in 0..<count { users.append(try await user("\(prefix)\(index)")) }
        return users
    }

    /// `count` races named "r" organized by `organizer`.
    func races(_ count: Int, organizer: UUID) async throws -> [UUID] {
        var races: [UUID] = []
        for _ in 0..<count { races.append(try await store.hub.createRace(name: "r", organizer: organizer).id) }
        return races
    }

    deinit {
        try? store.close()
        dir.cleanup()
    }
}

/// A wall clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 1_790_000_000_000

    var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func advance(ms: Int64) {
        lock.lock()
        value += ms
        lock.unlock()
    }
}
