import Logging
import PostgresNIO
import RaceService
import Synchronization

/// The store's connection pool, on the server that fits the URL's `target_session_attrs`. When
/// the store becomes unavailable and the URL names several servers, `follow` looks for the one
/// that fits now (a standby promoted after a failover) and moves the pool there: new requests
/// go to the new server, the old pool is closed.
final class PostgresPool: Sendable {
    private struct Current {
        var client: PostgresClient
        var task: Task<Void, Never>
        var server: PostgresServer?
    }

    private let current: Mutex<Current>
    private let following = Atomic<Bool>(false)
    let url: PostgresURL
    private let maxConnections: Int
    private let logger: Logger

    init(url: PostgresURL, server: PostgresServer?, maxConnections: Int, logger: Logger) {
        self.url = url
        self.maxConnections = maxConnections
        self.logger = logger
        let client = PostgresClient(
            configuration: url.clientConfiguration(maxConnections: maxConnections, server: server),
            backgroundLogger: logger)
        current = Mutex(Current(client: client, task: Task { await client.run() }, server: server))
    }

    /// The pool requests use now.
    var client: PostgresClient { current.withLock { $0.client } }

    /// The server the pool is on (nil: the socket).
    var server: PostgresServer? { current.withLock { $0.server } }

    /// After the store was found unavailable: when the URL names several servers, finds the one
    /// that fits now and moves the pool there if it is another. One search at a time; quick when
    /// nothing fits yet (the next unavailable request searches again).
    func follow() async {
        guard url.servers.count > 1,
            following.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return }
        defer { following.store(false, ordering: .releasing) }
        let found: PostgresServer?
        do { found = try await PostgresServerChoice.find(url, logger: logger) } catch {
            logger.warning("no server to move the store to yet", metadata: ["reason": "\(error)"])
            return
        }
        guard let found, found != server else { return }
        let client = PostgresClient(
            configuration: url.clientConfiguration(maxConnections: maxConnections, server: found),
            backgroundLogger: logger)
        let task = Task { await client.run() }
        let old = current.withLock { current in
            defer { current = Current(client: client, task: task, server: found) }
            return current
        }
        logger.warning(
            "store moved to another server (failover)",
            metadata: ["from": "\(old.server?.description ?? "?")", "to": "\(found)"])
        // Requests that still hold the old pool end first (each within the store's deadline).
        Task {
            try? await Task.sleep(for: Self.retireAfter)
            old.task.cancel()
        }
    }

    /// How long a replaced pool lives on for the requests that still use it.
    static let retireAfter: Duration = .seconds(10)

    /// Closes the pool.
    func close() { current.withLock { $0.task.cancel() } }
}
