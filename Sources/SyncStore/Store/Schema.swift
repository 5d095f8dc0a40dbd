import GRDB
import RaceService
import SyncCore

/// The named migrations of both store kinds. Never edit a shipped migration: add a new one.
enum Schema {
    static func migrator(for kind: StoreKind) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE users (
                        id BLOB PRIMARY KEY,
                        login TEXT NOT NULL UNIQUE,
                        display_name TEXT,
                        created_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE races (
                        id BLOB PRIMARY KEY,
                        created_seq INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('setup', 'running', 'finished')),
                        seeds_released INTEGER NOT NULL,
                        organizer_id BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX races_by_status ON races(status);
                    CREATE TABLE participants (
                        race_id BLOB NOT NULL,
                        user_id BLOB NOT NULL,
                        PRIMARY KEY (race_id, user_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE casters (
                        race_id BLOB NOT NULL,
                        user_id BLOB NOT NULL,
                        present INTEGER NOT NULL,
                        hlc_wall INTEGER NOT NULL,
                        hlc_counter INTEGER NOT NULL,
                        hlc_node TEXT NOT NULL,
                        op_id BLOB NOT NULL,
                        PRIMARY KEY (race_id, user_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE live_status (
                        user_id BLOB PRIMARY KEY,
                        stream_id TEXT NOT NULL,
                        title TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        observed_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
            switch kind {
            case .hub:
                try db.execute(
                    sql: """
                        CREATE TABLE tokens (
                            hash BLOB PRIMARY KEY,
                            user_id BLOB NOT NULL REFERENCES users(id)
                        ) WITHOUT ROWID;
                        CREATE TABLE change_log (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT,
                            kind TEXT NOT NULL,
                            key TEXT NOT NULL,
                            payload TEXT NOT NULL,
                            at INTEGER NOT NULL
                        );
                        CREATE INDEX change_log_by_key ON change_log(key, seq);
                        CREATE TABLE applied_ops (
                            op_id BLOB PRIMARY KEY,
                            status TEXT NOT NULL,
                            code INTEGER,
                            detail TEXT
                        ) WITHOUT ROWID;
                        """)
            case .replica:
                try db.execute(
                    sql: """
                        CREATE TABLE outbox (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT,
                            op_id BLOB NOT NULL UNIQUE,
                            kind TEXT NOT NULL,
                            race_id BLOB NOT NULL,
                            user_id BLOB NOT NULL,
                            hlc_wall INTEGER NOT NULL,
                            hlc_counter INTEGER NOT NULL,
                            hlc_node TEXT NOT NULL,
                            created_at INTEGER NOT NULL
                        );
                        CREATE TABLE rejected (
                            op_id BLOB PRIMARY KEY,
                            kind TEXT NOT NULL,
                            race_id BLOB NOT NULL,
                            user_id BLOB NOT NULL,
                            code INTEGER NOT NULL,
                            detail TEXT NOT NULL,
                            at INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        """)
            }
        }
        if kind == .replica {
            migrator.registerMigration("v2-outbox-by-race") { db in
                try db.execute(sql: "CREATE INDEX outbox_by_race ON outbox(race_id, seq)")
            }
        }
        if kind == .hub {
            // The log keeps one row per replicated row (its newest change), so its size follows
            // the state, not the history; epochs let a restored backup reset stale cursors.
            migrator.registerMigration("v3-log-by-row-and-epochs") { db in
                try db.execute(
                    sql: """
                        DELETE FROM change_log WHERE seq < (SELECT max(newer.seq) FROM change_log newer WHERE newer.key = change_log.key);
                        DROP INDEX change_log_by_key;
                        CREATE UNIQUE INDEX change_log_key ON change_log(key);
                        DELETE FROM meta WHERE key = 'compacted_through';
                        CREATE TABLE log_epochs (
                            n INTEGER PRIMARY KEY AUTOINCREMENT,
                            id TEXT NOT NULL UNIQUE,
                            start_seq INTEGER NOT NULL,
                            started_at INTEGER NOT NULL
                        );
                        INSERT INTO log_epochs (id, start_seq, started_at) SELECT value, 0, 0 FROM meta WHERE key = 'store_id';
                        """)
            }
        }
        // Who wrote each caster register (for "added by org" and for naming the winner of a
        // superseded op), and on replicas the user's own writes that lost.
        migrator.registerMigration("v4-register-authors") { db in
            try db.execute(sql: "ALTER TABLE casters ADD COLUMN changed_by BLOB")
            if kind == .replica {
                try db.execute(
                    sql: """
                        CREATE TABLE overridden (
                            op_id BLOB PRIMARY KEY,
                            kind TEXT NOT NULL,
                            race_id BLOB NOT NULL,
                            user_id BLOB NOT NULL,
                            at INTEGER NOT NULL,
                            by_id BLOB NOT NULL,
                            by_login TEXT NOT NULL,
                            by_display_name TEXT,
                            by_kind TEXT NOT NULL,
                            by_at INTEGER NOT NULL,
                            recorded_at INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        """)
            }
        }
        // Who pushed each op id first: a re-sent op id is answered only to its author.
        if kind == .hub {
            migrator.registerMigration("v5-op-authors") { db in
                try db.execute(sql: "ALTER TABLE applied_ops ADD COLUMN author BLOB")
            }
        }
        // The race list and the front page read the newest races (of a status) in order: an index in
        // that order reads 200 rows instead of sorting every race. Live members are found from the
        // few live users: their participations and caster registers by user.
        migrator.registerMigration("v6-race-list-order") { db in
            try db.execute(
                sql: """
                    DROP INDEX races_by_status;
                    CREATE INDEX races_by_status_newest ON races(status, created_at DESC, created_seq DESC);
                    CREATE INDEX races_newest ON races(created_at DESC, created_seq DESC);
                    CREATE INDEX participants_by_user ON participants(user_id);
                    CREATE INDEX casters_by_user ON casters(user_id);
                    """)
        }
        // Browsers signed in on the hub's website: the SHA-256 of each session id, whose user,
        // and when it ends (swept by end time, ended all at once by user).
        if kind == .hub {
            migrator.registerMigration("v7-web-sessions") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE sessions (
                            hash BLOB PRIMARY KEY,
                            user_id BLOB NOT NULL REFERENCES users(id),
                            created_at INTEGER NOT NULL,
                            expires_at INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX sessions_by_user ON sessions(user_id);
                        CREATE INDEX sessions_by_end ON sessions(expires_at);
                        """)
            }
            // API tokens a user manages on the tokens page: an id for forms, a name, when it was
            // made and last used. Tokens made before are named after `syncd user add`.
            migrator.registerMigration("v8-token-details") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE tokens ADD COLUMN id BLOB;
                        ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT 'syncd user add';
                        ALTER TABLE tokens ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
                        ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
                        UPDATE tokens SET id = randomblob(16),
                            created_at = coalesce((SELECT created_at FROM users WHERE users.id = tokens.user_id), 0);
                        CREATE UNIQUE INDEX tokens_by_id ON tokens(id);
                        CREATE INDEX tokens_by_user ON tokens(user_id);
                        """)
            }
            // The Twitch account a user signs in with ("Log in with Twitch").
            migrator.registerMigration("v9-twitch-ids") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE users ADD COLUMN twitch_id TEXT;
                        CREATE UNIQUE INDEX users_by_twitch_id ON users(twitch_id);
                        """)
            }
            // Device logins (RFC 8628) under way: the device code's SHA-256, the user code a
            // person types, and where the person's decision stands.
            migrator.registerMigration("v10-device-logins") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE device_grants (
                            hash BLOB PRIMARY KEY,
                            user_code TEXT NOT NULL UNIQUE,
                            client_name TEXT NOT NULL,
                            created_at INTEGER NOT NULL,
                            expires_at INTEGER NOT NULL,
                            interval_ms INTEGER NOT NULL,
                            last_poll_at INTEGER,
                            state TEXT NOT NULL,
                            decided_by BLOB REFERENCES users(id)
                        ) WITHOUT ROWID;
                        CREATE INDEX device_grants_by_end ON device_grants(expires_at);
                        """)
            }
            // Twitch's pushes (EventSub): the message ids seen lately (any instance dedupes), and
            // when Twitch last pushed news about each user (orders pushes, and polls after them).
            migrator.registerMigration("v11-stream-events") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE eventsub_messages (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
                        CREATE INDEX eventsub_messages_by_time ON eventsub_messages(received_at);
                        CREATE TABLE stream_events (
                            user_id BLOB PRIMARY KEY REFERENCES users(id), sent_at INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        """)
            }
        }
        // Twitch's profile of a user (Helix `GET /users`): the Twitch id and profile image; the hub
        // also records when it last asked (refreshed when stale). The hub has `twitch_id` since v9.
        migrator.registerMigration("v12-twitch-profiles") { db in
            try db.execute(
                sql: kind == .hub
                    ? """
                    ALTER TABLE users ADD COLUMN avatar_url TEXT;
                    ALTER TABLE users ADD COLUMN twitch_checked_at INTEGER;
                    """
                    : """
                    ALTER TABLE users ADD COLUMN twitch_id TEXT;
                    ALTER TABLE users ADD COLUMN avatar_url TEXT;
                    """)
        }
        if kind == .hub {
            // WebSub subscriptions to the hub's feeds, verified by their subscribers; the
            // delivery state rides along (what the subscriber has, failures, the next attempt).
            migrator.registerMigration("v13-websub-subscriptions") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE websub_subscriptions (
                            topic TEXT NOT NULL,
                            callback TEXT NOT NULL,
                            callback_host TEXT NOT NULL,
                            secret TEXT,
                            lease_seconds INTEGER NOT NULL,
                            expires_at INTEGER NOT NULL,
                            delivered_etag TEXT,
                            failures INTEGER NOT NULL DEFAULT 0,
                            next_attempt_at INTEGER NOT NULL DEFAULT 0,
                            PRIMARY KEY (topic, callback)
                        ) WITHOUT ROWID;
                        CREATE INDEX websub_by_host ON websub_subscriptions(callback_host);
                        CREATE INDEX websub_by_end ON websub_subscriptions(expires_at);
                        """)
            }
        }
        if kind == .hub { RowLogMigration.register(&migrator) }
        return migrator
    }
}
