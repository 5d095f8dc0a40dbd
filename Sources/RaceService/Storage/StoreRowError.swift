public import Foundation

/// A stored row that RaceSync cannot read, named so it can be found and fixed.
public struct StoreRowError: Error, CustomStringConvertible {
    public var table: String
    public var id: UUID
    public var reason: String

    public init(table: String, id: UUID, reason: String) {
        self.table = table
        self.id = id
        self.reason = reason
    }

    public var description: String { "row \(id.lowercased) of \(table) is unreadable: \(reason)" }
}
