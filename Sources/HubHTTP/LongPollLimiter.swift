public import Foundation
public import RaceWeb
import Synchronization

/// Bounds the pulls that wait for changes: a few per user and a ceiling for the whole hub.
/// A pull that finds no free slot is answered at once with what there is, so no client can
/// pile up waiting tasks.
public final class LongPollLimiter: Sendable {
    /// Waiting pulls one user may hold at once.
    public let perUser: Int
    /// Waiting pulls the hub holds at once.
    public let total: Int
    /// Waiting pulls one client address holds at once (however many users it has tokens of).
    public let perClient: PerClientCount
    private let state = Mutex<(byUser: [UUID: Int], total: Int)>(([:], 0))

    public init(perUser: Int = 4, perClient: Int = 8, total: Int = 2048) {
        self.perUser = perUser
        self.perClient = PerClientCount(limit: perClient)
        self.total = total
    }

    /// Takes a slot for `user` at `client`; false when the user, the client or the hub is at its limit.
    public func acquire(_ user: UUID, client: String) -> Bool {
        guard perClient.acquire(client) else { return false }
        let taken = state.withLock { state in
            let mine = state.byUser[user, default: 0]
            guard mine < perUser, state.total < total else { return false }
            state.byUser[user] = mine + 1
            state.total += 1
            return true
        }
        if !taken { perClient.release(client) }
        return taken
    }

    /// Gives back a slot taken by `acquire`.
    public func release(_ user: UUID, client: String) {
        perClient.release(client)
        state.withLock { state in
            let mine = state.byUser[user, default: 0]
            guard mine > 0 else { return }
            state.byUser[user] = mine == 1 ? nil : mine - 1
            state.total -= 1
        }
    }

    /// Waiting pulls held right now.
    public var held: Int { state.withLock { $0.total } }
}
