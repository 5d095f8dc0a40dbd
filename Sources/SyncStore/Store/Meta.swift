import Foundation
import GRDB
import SyncCore

/// The `meta` key/value table: store identity, clocks, hub URL, cursors.
enum Meta {
    static func get(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key])
    }

    static func set(_ db: Database, _ key: String, _ value: String?) throws {
        if let value {
            try db.cachedStatement(
                sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            )
            .execute(arguments: [key, value])
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
        }
    }

    /// A time stored as milliseconds since the epoch.
    static func date(_ db: Database, _ key: String) throws -> Date? {
        try get(db, key).flatMap { Int64($0) }.map { Timestamp.date(milliseconds: $0) }
    }

    static func setDate(_ db: Database, _ key: String, _ date: Date) throws {
        try set(db, key, String(Timestamp.milliseconds(date)))
    }

    /// Returns the value of `key`, storing `make()` first when there is none.
    static func getOrCreate(_ db: Database, _ key: String, _ make: () -> String) throws -> String {
        if let value = try get(db, key) { return value }
        let value = make()
        try set(db, key, value)
        return value
    }

    /// 16 random hex digits.
    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<8).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
