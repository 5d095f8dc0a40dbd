public import Foundation
import RaceService
public import SyncCore
public import SyncStore
public import TestSupport

/// A hub store on a temporary file with a controllable wall clock.
public final class HubFixture: @unchecked Sendable {
    public let dir = TempDir()
    public let clock = ManualClock()
    public let store: HubStore

    public init() throws {
        let clock = self.clock
        store = try HubStore(path: dir.file("hub.sqlite"), now: { clock.now })
    }

    public func user(_ login: String) async throws -> User {
        try await store.hub.addUser(login: login, displayName: nil).user
    }

    /// Users named `prefix0`, `prefix1`, … (`count` of them).
    public func users(_ prefix: String, count: Int) async throws -> [User] {
        var users: [User] = []
        for index in 0..<count { users.append(try await user("\(prefix)\(index)")) }
        return users
    }

    /// `count` races named "r" organized by `organizer`.
    public func races(_ count: Int, organizer: UUID) async throws -> [UUID] {
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
public final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 1_790_000_000_000

    public init() {}

    public var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    public func advance(ms: Int64) {
        lock.lock()
        value += ms
        lock.unlock()
    }
}
