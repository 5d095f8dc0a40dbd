import Foundation
import PostgresNIO
import RaceService

extension PostgresHubTransaction {
    func upsertWebSubSubscription(_ s: WebSubSubscription) async throws {
        try await connection.query(
            """
            INSERT INTO websub_subscriptions (topic, callback, callback_host, secret, lease_seconds, expires_at,
                delivered_etag, failures, next_attempt_at)
            VALUES (\(s.topic), \(s.callback), \(s.callbackHost), \(s.secret), \(s.leaseSeconds), \(s.expiresAtMs),
                \(s.deliveredETag), \(s.failures), \(s.nextAttemptAtMs))
            ON CONFLICT (topic, callback) DO UPDATE SET callback_host = excluded.callback_host,
                secret = excluded.secret, lease_seconds = excluded.lease_seconds, expires_at = excluded.expires_at,
                delivered_etag = excluded.delivered_etag, failures = excluded.failures,
                next_attempt_at = excluded.next_attempt_at
            """, logger: logger)
    }

    func webSubSubscriptions() async throws -> [WebSubSubscription] {
        try await connection.all(
            """
            SELECT topic, callback, callback_host, secret, lease_seconds, expires_at, delivered_etag, failures,
                next_attempt_at
            FROM websub_subscriptions ORDER BY topic, callback
            """, as: (String, String, String, String?, Int64, Int64, String?, Int32, Int64).self, logger: logger
        ).map { topic, callback, host, secret, lease, expires, etag, failures, next in
            WebSubSubscription(
                topic: topic, callback: callback, callbackHost: host, secret: secret, leaseSeconds: lease,
                expiresAtMs: expires, deliveredETag: etag, failures: Int(failures), nextAttemptAtMs: next)
        }
    }

    func webSubCounts(topic: String, host: String, except callback: String) async throws -> WebSubCounts {
        let row = try await connection.all(
            """
            SELECT
                count(*) FILTER (WHERE topic = \(topic) AND callback <> \(callback)),
                count(*) FILTER (WHERE callback_host = \(host) AND NOT (topic = \(topic) AND callback = \(callback))),
                count(*) FILTER (WHERE NOT (topic = \(topic) AND callback = \(callback)))
            FROM websub_subscriptions
            """, as: (Int64, Int64, Int64).self, logger: logger
        ).first
        return WebSubCounts(topic: Int(row?.0 ?? 0), host: Int(row?.1 ?? 0), total: Int(row?.2 ?? 0))
    }

    func updateWebSubDelivery(
        topic: String, callback: String, deliveredETag: String?, failures: Int, nextAttemptAtMs: Int64
    ) async throws -> Bool {
        try await connection.all(
            """
            UPDATE websub_subscriptions SET delivered_etag = \(deliveredETag), failures = \(failures),
                next_attempt_at = \(nextAttemptAtMs)
            WHERE topic = \(topic) AND callback = \(callback) RETURNING failures
            """, as: Int32.self, logger: logger
        ).count > 0
    }

    func deleteWebSubSubscription(topic: String, callback: String) async throws -> Bool {
        try await connection.all(
            "DELETE FROM websub_subscriptions WHERE topic = \(topic) AND callback = \(callback) RETURNING failures",
            as: Int32.self, logger: logger
        ).count > 0
    }

    func deleteWebSubSubscriptions(expiredBy nowMs: Int64) async throws -> Int {
        try await connection.all(
            "DELETE FROM websub_subscriptions WHERE expires_at <= \(nowMs) RETURNING failures", as: Int32.self,
            logger: logger
        ).count
    }
}
