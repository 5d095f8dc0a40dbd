public import Foundation

/// An API token as its owner sees it on the tokens page: never the secret, which is shown once
/// when the token is made and stored only as its SHA-256.
public struct StoredToken: Sendable, Equatable {
    /// Names the token in forms (revoke); not the secret, nor derived from it.
    public var id: UUID
    public var userID: UUID
    public var name: String
    public var createdAtMs: Int64
    /// When it last authenticated a request (recorded at most hourly); nil: never.
    public var lastUsedAtMs: Int64?

    public init(id: UUID, userID: UUID, name: String, createdAtMs: Int64, lastUsedAtMs: Int64?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.createdAtMs = createdAtMs
        self.lastUsedAtMs = lastUsedAtMs
    }

    /// Use is recorded when the last record is older than this.
    public static let useRecordedAfterMs: Int64 = 3600 * 1000
    /// The name of the token `syncd user add` makes.
    public static let firstTokenName = "syncd user add"
    /// Names are cut to this many characters.
    public static let maxNameLength = 60

    /// A token name as typed: trimmed, control characters dropped, at most `maxNameLength`
    /// characters; "token" when nothing is left.
    public static func cleanName(_ raw: String) -> String {
        let kept = String(
            String.UnicodeScalarView(
                raw.unicodeScalars.filter { !$0.properties.isWhitespace || $0 == " " }
                    .filter { $0.value >= 0x20 && $0.value != 0x7F }))
        let trimmed = kept.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "token" : String(trimmed.prefix(maxNameLength))
    }
}
