import SyncStore

/// Bounds how long a store call may wait on the database.
enum Deadline {
    /// Runs `body`, or throws `StoreUnavailable` when it has not finished within `limit` (the
    /// body is cancelled: a pool lease or a connection attempt gives up).
    static func run<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw StoreUnavailable("no answer from the database within \(limit)")
            }
            return value
        }
    }
}
