import GRDB

/// Schema v14 of the hub store: the change log moves into the replicated rows (`RowLog`).
///
/// Every row takes the position of its newest change from the old `change_log` (found by
/// its key); what is left there — changes without a row: removals, the last poll — becomes
/// `log_events`; the head is the old log's last position. Positions are kept, so a pull from
/// any cursor of the old store gives the same changes after the migration, and cursors held
/// by nodes stay valid.
enum RowLogMigration {
    static let name = "v14-row-is-the-log"

    /// The replicated tables, with the SQL of each row's old log key.
    static let tables: [(table: String, key: String)] = [
        ("users", "'user:' || \(uuidText("id"))"),
        ("races", "'race:' || \(uuidText("id"))"),
        ("participants", "'participant:' || \(uuidText("race_id")) || ':' || \(uuidText("user_id"))"),
        ("casters", "'caster:' || \(uuidText("race_id")) || ':' || \(uuidText("user_id"))"),
        ("live_status", "'live:' || \(uuidText("user_id"))"),
    ]

    /// SQL turning a 16-byte UUID column into its lowercase text form (`ChangeData.key`'s).
    static func uuidText(_ column: String) -> String {
        let hex = "hex(\(column))"
        return "lower(substr(\(hex), 1, 8) || '-' || substr(\(hex), 9, 4) || '-' || substr(\(hex), 13, 4) || '-' || "
            + "substr(\(hex), 17, 4) || '-' || substr(\(hex), 21))"
    }

    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(name) { db in
            try db.execute(
                sql: """
                    CREATE TABLE log_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
                    INSERT INTO log_head (id, seq)
                        VALUES (1, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0));
                    """)
            for (table, key) in tables {
                try db.execute(
                    sql: """
                        ALTER TABLE \(table) ADD COLUMN seq INTEGER;
                        UPDATE \(table) SET seq = (SELECT seq FROM change_log WHERE key = \(key));
                        DELETE FROM change_log WHERE seq IN (SELECT seq FROM \(table));
                        CREATE INDEX \(table)_by_seq ON \(table)(seq);
                        """)
            }
            try db.execute(
                sql: """
                    CREATE TABLE log_events (
                        key TEXT PRIMARY KEY,
                        seq INTEGER NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        payload TEXT NOT NULL
                    ) WITHOUT ROWID;
                    INSERT INTO log_events (key, seq, kind, payload) SELECT key, seq, kind, payload FROM change_log;
                    DROP TABLE change_log;
                    """)
        }
    }
}
