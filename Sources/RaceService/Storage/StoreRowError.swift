public import Foundation

/// A stored row that RaceSync cannot read, named so it can be found and fixed.
public struct StoreRowError: Error, CustomStringConvertible {
    public var table: String
    /// The row's key as text (a lowercase UUID for most tables).
    public var key: String
    public var reason: String

    public init(table: String, id: UUID, reason: String) {
        self.init(table: table, key: id.lowercased, reason: reason)
    }

    public init(table: String, key: String, reason: String) {
        self.table = table
        self.key = key
        self.reason = reason
    }

    public var description: String { "row \(key) of \(table) is unreadable: \(reason)" }
}
