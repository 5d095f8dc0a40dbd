/// A rule of the service was broken: the HTTP status the contract gives it and a human reason.
public struct RuleViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: Int
    public var detail: String

    public init(_ status: Int, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status): \(detail)" }

    public static func raceNotFound() -> RuleViolation { .init(404, "race not found") }
    public static func userNotFound(_ who: String) -> RuleViolation { .init(404, "user \(who) not found") }
    public static func notOrganizer() -> RuleViolation { .init(403, "only the race organizer may do this") }
    /// Another user already pushed an op with this id (answered only to its author).
    public static func opIDTaken() -> RuleViolation { .init(409, "op_id already used") }
}
