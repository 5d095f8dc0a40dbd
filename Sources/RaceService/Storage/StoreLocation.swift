/// What a hub's store location (`--db`, or `RACESYNC_DATABASE_URL`) names: a PostgreSQL
/// database or a SQLite file. Asked by `syncd` before it knows whether it was built with
/// PostgreSQL, and by the PostgreSQL URL parser.
public enum StoreLocation {
    /// Whether `location` names PostgreSQL (a `postgresql://` or `postgres://` URL) rather than a
    /// SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }
}
