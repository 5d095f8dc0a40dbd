public import Foundation

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

    /// The longest race name, in Unicode code points.
    public static let maxNameLength = 200

    /// Validates a race name: 1–200 code points after trimming spaces, no control character.
    public static func validatedName(_ raw: String) -> Result<String, DisplayText.Invalid> {
        DisplayText.validated(raw, max: maxNameLength)
    }
}
