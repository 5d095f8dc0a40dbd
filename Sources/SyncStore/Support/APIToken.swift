import SyncCore
import Crypto
import Foundation

/// API tokens: 256 random bits from the system's cryptographic generator, written as
/// `rs_` + base64url (46 characters of `[A-Za-z0-9_-]`, never starting with `-`).
/// Only the SHA-256 of a token is ever stored.
public enum APIToken {
    /// A new random token.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "rs_" + encoded
    }

    /// The stored form of a token.
    public static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Whether `text` has the shape of a token (checked before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count >= 32 && text.utf8.count <= 256 && !text.hasPrefix("-")
            && text.utf8.allSatisfy { c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
            }
    }
}
