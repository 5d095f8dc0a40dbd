public import Logging
import PostgresNIO

/// One leader among the hub instances sharing a database, by a session-level advisory lock
/// held on a connection of its own: the instance holding it runs the jobs that must run once
/// (the Twitch poller, the feed export). When the leader dies its session ends and the lock
/// with it; another instance takes it at its next try (every `retry`).
public struct PostgresLeadership: Sendable {
    /// The advisory lock key of leadership ("RSleader" as ASCII).
    static let key: Int64 = 0x5253_6c65_6164_6572
    let url: PostgresURL
    let retry: Duration
    let logger: Logger

    public init(store: PostgresHubStore, retry: Duration, logger: Logger) {
        self.url = store.url
        self.retry = retry
        self.logger = logger
    }

    /// Runs `job` whenever this instance is the leader, until cancelled. The job is cancelled
    /// when leadership is lost (its connection fails a check every `retry`).
    public func whileLeader(_ job: @escaping @Sendable () async -> Void) async {
        var connectionID = 0
        while !Task.isCancelled {
            connectionID += 1
            do {
                let (connection, _) = try await PostgresServerChoice.connect(url, id: connectionID, logger: logger)
                defer { Task { try? await connection.close() } }
                while !Task.isCancelled {
                    if try await Deadline.run(retry, { try await tryLock(connection) }) {
                        logger.info(
                            "this instance leads: it runs the Twitch poller, the feed export and WebSub deliveries")
                        try await lead(connection, job)
                    }
                    try await Task.sleep(for: retry)
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("leadership connection lost; retrying", metadata: ["retry_in": "\(retry)"])
                try? await Task.sleep(for: retry)
            }
        }
    }

    private func tryLock(_ connection: PostgresConnection) async throws -> Bool {
        for try await held in try await connection.query("SELECT pg_try_advisory_lock(\(Self.key))", logger: logger)
            .decode(Bool.self)
        {
            return held
        }
        return false
    }

    /// Runs the job while the lock's connection answers; throws when it stops answering.
    private func lead(_ connection: PostgresConnection, _ job: @escaping @Sendable () async -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await job() }
            group.addTask {
                while true {
                    try await Task.sleep(for: retry)
                    // Bounded: a query on a connection the server dropped may never answer.
                    try await Deadline.run(retry) { _ = try await connection.query("SELECT 1", logger: logger) }
                }
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }
}
