/// What a member of a race is to it: someone who runs it, or someone who casts it.
public enum MemberRole: String, Sendable, Equatable, Codable, CustomStringConvertible {
    case participant
    case caster

    public var description: String { rawValue }
}
