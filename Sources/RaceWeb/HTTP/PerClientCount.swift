import Synchronization

/// Counts what each client holds (connections, event streams, long-polls) against a cap per
/// client, so that no single address takes every slot of a global limit.
public final class PerClientCount: Sendable {
    public let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    public init(limit: Int) { self.limit = limit }

    /// Counts one more for `client`; false (nothing counted) when it is at its limit.
    public func acquire(_ client: String) -> Bool {
        counts.withLock { counts in
            let held = counts[client, default: 0]
            guard held < limit else { return false }
            counts[client] = held + 1
            return true
        }
    }

    public func release(_ client: String) {
        counts.withLock { counts in
            let held = counts[client, default: 0]
            counts[client] = held <= 1 ? nil : held - 1
        }
    }

    /// What `client` holds now.
    public func held(by client: String) -> Int { counts.withLock { $0[client, default: 0] } }
}
