/// A Twitch login: 1–25 characters of `[a-zA-Z0-9_]`, always stored lowercase.
///
/// Construction validates, so a `TwitchLogin` value is valid by type.
public struct TwitchLogin: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The lowercase login.
    public let value: String

    /// Why a string is not a Twitch login.
    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(count: Int)
        case badCharacter(Character)

        public var description: String {
            switch self {
            case .empty:
                return "a Twitch login must not be empty"
            case .tooLong(let count):
                return "a Twitch login has at most 25 characters, this one has \(count)"
            case .badCharacter(let c):
                return "a Twitch login may contain only letters a-z, digits and '_', not '\(c)'"
            }
        }
    }

    /// Validates `raw` and lowercases it.
    public init(_ raw: String) throws(Invalid) {
        if raw.isEmpty { throw .empty }
        if raw.count > 25 { throw .tooLong(count: raw.count) }
        for character in raw where !Self.isAllowed(character) {
            throw .badCharacter(character)
        }
        self.value = raw.lowercased()
    }

    private static func isAllowed(_ c: Character) -> Bool {
        guard c.isASCII, let ascii = c.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    public var description: String { value }

    public static func < (lhs: TwitchLogin, rhs: TwitchLogin) -> Bool { lhs.value < rhs.value }
}
