import Foundation

/// The stored facts of a race, without its members.
public struct Race: Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var status: RaceStatus
    public var seedsReleased: Bool
    public var organizerID: UUID
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, name: String, status: RaceStatus, seedsReleased: Bool,
        organizerID: UUID, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.seedsReleased = seedsReleased
        self.organizerID = organizerID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Validates a race name: 1–200 characters after trimming spaces.
    public static func validatedName(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { return nil }
        return trimmed
    }
}
