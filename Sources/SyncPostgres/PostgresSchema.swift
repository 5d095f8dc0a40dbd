import Logging
import PostgresNIO

/// The named migrations of the PostgreSQL hub store, applied in order, each once. Never edit a
/// shipped migration: add a new one.
///
/// Hubs starting together against one database serialize here: the runner takes a
/// transaction-level advisory lock first, so exactly one applies what is missing and the others
/// then find it recorded in `schema_migrations`.
enum PostgresSchema {
    /// The advisory lock key of migrations ("RaceSync" as ASCII, folded into 63 bits).
    static let migrationLock: Int64 = 0x5261_6365_5379_6e63 & 0x7fff_ffff_ffff_ffff

    static let migrations: [(name: String, sql: [PostgresQuery])] = [
        (
            "v1-hub-state",
            [
                "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE users (
                    id uuid PRIMARY KEY, login text NOT NULL UNIQUE, display_name text, created_at bigint NOT NULL)
                """,
                "CREATE TABLE tokens (hash bytea PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id))",
                """
                CREATE TABLE races (
                    id uuid PRIMARY KEY, created_seq bigint NOT NULL, name text NOT NULL,
                    status text NOT NULL CHECK (status IN ('setup', 'running', 'finished')),
                    seeds_released boolean NOT NULL, organizer_id uuid NOT NULL,
                    created_at bigint NOT NULL, updated_at bigint NOT NULL)
                """,
                "CREATE INDEX races_by_status ON races (status)",
                "CREATE INDEX races_newest ON races (created_at DESC, created_seq DESC)",
                "CREATE TABLE participants (race_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (race_id, user_id))",
                """
                CREATE TABLE casters (
                    race_id uuid NOT NULL, user_id uuid NOT NULL, present boolean NOT NULL,
                    hlc_wall bigint NOT NULL, hlc_counter integer NOT NULL, hlc_node text NOT NULL,
                    op_id uuid NOT NULL, changed_by uuid, PRIMARY KEY (race_id, user_id))
                """,
                """
                CREATE TABLE live_status (
                    user_id uuid PRIMARY KEY, stream_id text NOT NULL, title text NOT NULL,
                    started_at bigint NOT NULL, observed_at bigint NOT NULL)
                """,
                // The log keeps one row per replicated row (its newest change): `key` is unique
                // and a new change of a key moves its row to a new, larger `seq`.
                """
                CREATE TABLE change_log (
                    seq bigint PRIMARY KEY, kind text NOT NULL, key text NOT NULL UNIQUE, payload text NOT NULL, at bigint NOT NULL)
                """,
                // The log's head: the last seq handed out and the hub clock's last stamp. Every
                // write transaction locks this one row first, so log appends commit in seq order.
                """
                CREATE TABLE log_head (
                    id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL,
                    hlc_wall bigint NOT NULL, hlc_counter integer NOT NULL)
                """,
                "INSERT INTO log_head (id, seq, hlc_wall, hlc_counter) VALUES (1, 0, 0, 0)",
                "CREATE TABLE applied_ops (op_id uuid PRIMARY KEY, status text NOT NULL, code integer, detail text)",
                "INSERT INTO meta (key, value) VALUES ('store_id', md5(random()::text || clock_timestamp()::text))",
            ]
        ),
        // Who pushed each op id first: a re-sent op id is answered only to its author.
        ("v2-op-authors", ["ALTER TABLE applied_ops ADD COLUMN author uuid"]),
        // The newest races of a status, in list order, without sorting them all.
        (
            "v3-race-list-order",
            [
                "DROP INDEX races_by_status",
                "CREATE INDEX races_by_status_newest ON races (status, created_at DESC, created_seq DESC)",
                "CREATE INDEX participants_by_user ON participants (user_id)",
                "CREATE INDEX casters_by_user ON casters (user_id)",
            ]
        ),
        // Browsers signed in on the hub's website (any instance serves any session).
        (
            "v4-web-sessions",
            [
                """
                CREATE TABLE sessions (
                    hash bytea PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id),
                    created_at bigint NOT NULL, expires_at bigint NOT NULL)
                """,
                "CREATE INDEX sessions_by_user ON sessions (user_id)",
                "CREATE INDEX sessions_by_end ON sessions (expires_at)",
            ]
        ),
        // API tokens a user manages on the tokens page: an id for forms, a name, when it was made
        // and last used. Tokens made before are named after `syncd user add`.
        (
            "v5-token-details",
            [
                "ALTER TABLE tokens ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()",
                "ALTER TABLE tokens ADD COLUMN name text NOT NULL DEFAULT 'syncd user add'",
                "ALTER TABLE tokens ADD COLUMN created_at bigint NOT NULL DEFAULT 0",
                "ALTER TABLE tokens ADD COLUMN last_used_at bigint",
                "UPDATE tokens t SET created_at = u.created_at FROM users u WHERE u.id = t.user_id",
                "CREATE UNIQUE INDEX tokens_by_id ON tokens (id)",
                "CREATE INDEX tokens_by_user ON tokens (user_id)",
            ]
        ),
        // The Twitch account a user signs in with ("Log in with Twitch").
        (
            "v6-twitch-ids",
            [
                "ALTER TABLE users ADD COLUMN twitch_id text",
                "CREATE UNIQUE INDEX users_by_twitch_id ON users (twitch_id)",
            ]
        ),
        // Device logins (RFC 8628) under way: the device code's SHA-256, the user code a person
        // types, and where the person's decision stands.
        (
            "v7-device-logins",
            [
                """
                CREATE TABLE device_grants (
                    hash bytea PRIMARY KEY, user_code text NOT NULL UNIQUE, client_name text NOT NULL,
                    created_at bigint NOT NULL, expires_at bigint NOT NULL, interval_ms bigint NOT NULL,
                    last_poll_at bigint, state text NOT NULL, decided_by uuid REFERENCES users(id))
                """,
                "CREATE INDEX device_grants_by_end ON device_grants (expires_at)",
            ]
        ),
        // Twitch's pushes (EventSub): the message ids seen lately (any instance dedupes), and when
        // Twitch last pushed news about each user (orders pushes, and polls after them).
        (
            "v8-stream-events",
            [
                "CREATE TABLE eventsub_messages (id text PRIMARY KEY, received_at bigint NOT NULL)",
                "CREATE INDEX eventsub_messages_by_time ON eventsub_messages (received_at)",
                "CREATE TABLE stream_events (user_id uuid PRIMARY KEY REFERENCES users(id), sent_at bigint NOT NULL)",
            ]
        ),
        // Twitch's profile of each polled user (Helix `GET /users`): the profile image and when it
        // was last asked (refreshed when stale). The Twitch id is `twitch_id` (v6).
        (
            "v9-twitch-profiles",
            [
                "ALTER TABLE users ADD COLUMN avatar_url text",
                "ALTER TABLE users ADD COLUMN twitch_checked_at bigint",
            ]
        ),
        // WebSub subscriptions to the hub's feeds, verified by their subscribers; the delivery
        // state rides along (what the subscriber has, failures, the next attempt).
        (
            "v10-websub-subscriptions",
            [
                """
                CREATE TABLE websub_subscriptions (
                    topic text NOT NULL, callback text NOT NULL, callback_host text NOT NULL, secret text,
                    lease_seconds bigint NOT NULL, expires_at bigint NOT NULL, delivered_etag text,
                    failures integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL DEFAULT 0,
                    PRIMARY KEY (topic, callback))
                """,
                "CREATE INDEX websub_by_host ON websub_subscriptions (callback_host)",
                "CREATE INDEX websub_by_end ON websub_subscriptions (expires_at)",
            ]
        ),
        // The row is the log (`PostgresRowLog`): each replicated row takes the position of its
        // key's newest change in the old log; a caster register's position is also listed in
        // `caster_positions` (its own index would make every register update a non-HOT one);
        // what is left in the old log (removals, the last poll) becomes `log_events`. Positions
        // and the head are kept, so cursors stay valid.
        ("v11-row-is-the-log", rowIsTheLog),
    ]

    /// The replicated tables, with the SQL of each row's old log key (`ChangeData.key`; a
    /// uuid's text form is the lowercase one the keys use).
    static let replicatedTables: [(table: String, key: String)] = [
        ("users", "'user:' || t.id"),
        ("races", "'race:' || t.id"),
        ("participants", "'participant:' || t.race_id || ':' || t.user_id"),
        ("casters", "'caster:' || t.race_id || ':' || t.user_id"),
        ("live_status", "'live:' || t.user_id"),
    ]

    static let rowIsTheLog: [PostgresQuery] =
        replicatedTables.flatMap { table, key -> [PostgresQuery] in
            [
                PostgresQuery(unsafeSQL: "ALTER TABLE \(table) ADD COLUMN seq bigint"),
                PostgresQuery(
                    unsafeSQL: "UPDATE \(table) t SET seq = l.seq FROM change_log l WHERE l.key = \(key)"),
                PostgresQuery(unsafeSQL: "DELETE FROM change_log l USING \(table) t WHERE l.seq = t.seq"),
                PostgresQuery(
                    unsafeSQL: table == "casters"
                        ? "CREATE TABLE caster_positions (seq bigint PRIMARY KEY, race_id uuid NOT NULL, user_id uuid NOT NULL)"
                        : "CREATE INDEX \(table)_by_seq ON \(table) (seq)"),
            ]
        } + [
            "INSERT INTO caster_positions (seq, race_id, user_id) SELECT seq, race_id, user_id FROM casters WHERE seq IS NOT NULL",
            "ALTER TABLE casters SET (fillfactor = 70)",
            "CREATE TABLE log_events (key text PRIMARY KEY, seq bigint NOT NULL UNIQUE, kind text NOT NULL, payload text NOT NULL)",
            "INSERT INTO log_events (key, seq, kind, payload) SELECT key, seq, kind, payload FROM change_log",
            "DROP TABLE change_log",
        ]

    /// Applies every migration this database lacks, under the migration lock.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.sql { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.info("migration applied", metadata: ["name": "\(migration.name)"])
            }
        }
    }
}
