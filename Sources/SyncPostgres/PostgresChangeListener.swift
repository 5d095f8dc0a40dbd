public import Logging
import PostgresNIO

/// Turns the database's change notifications into wake-ups of this instance's readers
/// (long-polls, page streams, feed caches), whichever instance wrote.
///
/// `LISTEN` belongs to one connection, not to the pool, so the listener holds a connection of
/// its own. When that connection is lost it reconnects (backing off to 2 s), listens again and
/// wakes every reader once, since a notification may have been missed meanwhile: readers
/// re-query, so a spurious wake-up costs one read and a missed one never loses a change. A lost
/// connection also marks the store as possibly unreachable, so `/healthz` asks the database.
public struct PostgresChangeListener: Sendable {
    let store: PostgresHubStore
    let logger: Logger

    public init(store: PostgresHubStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Listens until cancelled.
    public func run() async {
        var delay: Duration = .milliseconds(100)
        var connectionID = 0
        while !Task.isCancelled {
            connectionID += 1
            do {
                let (connection, _) = try await PostgresServerChoice.connect(
                    store.url, id: connectionID, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: PostgresHubStore.channel) { notifications in
                    delay = .milliseconds(100)
                    store.changeSignal.notify()
                    logger.debug("listening for changes")
                    for try await _ in notifications { store.changeSignal.notify() }
                }
            } catch {
                if Task.isCancelled { return }
                // `/healthz` checks the database again instead of trusting the last answer.
                store.reachable.store(false, ordering: .relaxed)
                await store.pool.follow()
                logger.warning("change listener lost its connection; reconnecting", metadata: ["retry_in": "\(delay)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }
}
