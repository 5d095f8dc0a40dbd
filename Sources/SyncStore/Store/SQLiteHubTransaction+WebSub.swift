import Foundation
import GRDB
import RaceService

extension SQLiteHubTransaction {
    func upsertWebSubSubscription(_ s: WebSubSubscription) async throws {
        try await run { db in
            try db.execute(
                sql: """
                    INSERT INTO websub_subscriptions (topic, callback, callback_host, secret, lease_seconds,
                        expires_at, delivered_etag, failures, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (topic, callback) DO UPDATE SET callback_host = excluded.callback_host,
                        secret = excluded.secret, lease_seconds = excluded.lease_seconds,
                        expires_at = excluded.expires_at, delivered_etag = excluded.delivered_etag,
                        failures = excluded.failures, next_attempt_at = excluded.next_attempt_at
                    """,
                arguments: [
                    s.topic, s.callback, s.callbackHost, s.secret, s.leaseSeconds, s.expiresAtMs, s.deliveredETag,
                    s.failures, s.nextAttemptAtMs,
                ])
        }
    }

    func webSubSubscriptions() async throws -> [WebSubSubscription] {
        try await run { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT topic, callback, callback_host, secret, lease_seconds, expires_at, delivered_etag,
                        failures, next_attempt_at
                    FROM websub_subscriptions ORDER BY topic, callback
                    """
            ).map { row in
                WebSubSubscription(
                    topic: row["topic"], callback: row["callback"], callbackHost: row["callback_host"],
                    secret: row["secret"], leaseSeconds: row["lease_seconds"], expiresAtMs: row["expires_at"],
                    deliveredETag: row["delivered_etag"], failures: row["failures"],
                    nextAttemptAtMs: row["next_attempt_at"])
            }
        }
    }

    func webSubCounts(topic: String, host: String, except callback: String) async throws -> WebSubCounts {
        try await run { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT
                        (SELECT count(*) FROM websub_subscriptions WHERE topic = ?1 AND callback != ?3),
                        (SELECT count(*) FROM websub_subscriptions WHERE callback_host = ?2
                            AND NOT (topic = ?1 AND callback = ?3)),
                        (SELECT count(*) FROM websub_subscriptions WHERE NOT (topic = ?1 AND callback = ?3))
                    """, arguments: [topic, host, callback])
            return WebSubCounts(topic: row?[0] ?? 0, host: row?[1] ?? 0, total: row?[2] ?? 0)
        }
    }

    func updateWebSubDelivery(
        topic: String, callback: String, deliveredETag: String?, failures: Int, nextAttemptAtMs: Int64
    ) async throws -> Bool {
        try await run { db in
            try db.execute(
                sql: """
                    UPDATE websub_subscriptions SET delivered_etag = ?, failures = ?, next_attempt_at = ?
                    WHERE topic = ? AND callback = ?
                    """, arguments: [deliveredETag, failures, nextAttemptAtMs, topic, callback])
            return db.changesCount > 0
        }
    }

    func deleteWebSubSubscription(topic: String, callback: String) async throws -> Bool {
        try await run { db in
            try db.execute(
                sql: "DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?", arguments: [topic, callback])
            return db.changesCount > 0
        }
    }

    func deleteWebSubSubscriptions(expiredBy nowMs: Int64) async throws -> Int {
        try await run { db in
            try db.execute(sql: "DELETE FROM websub_subscriptions WHERE expires_at <= ?", arguments: [nowMs])
            return db.changesCount
        }
    }
}
