import Crypto
public import Foundation
import SyncCore

/// API tokens: 256 random bits from the system's cryptographic generator, written as
/// `rs_` + base64url (46 characters of `[A-Za-z0-9_-]`, never starting with `-`).
/// Only the SHA-256 of a token is ever stored.
public enum APIToken {
    /// A new random token.
    public static func generate() -> String {
        "rs_" + Base64URL.random(byteCount: 32)
    }

    /// The stored form of a token.
    public static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    /// Whether `text` has the shape of a token (checked before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count >= 32 && text.utf8.count <= 256 && !text.hasPrefix("-")
            && text.utf8.allSatisfy(Base64URL.isAlphabet)
    }
}
