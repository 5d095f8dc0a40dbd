import Crypto
public import Foundation
public import SyncCore

/// A browser signed in on the hub's website.
///
/// Its id is 256 random bits (43 characters of base64url), sent in the session cookie and
/// stored only as its SHA-256, so a copy of the store opens no session. A session lives 30 days
/// from its last use (extended at most once a day, so reading pages writes nothing).
public enum WebSession {
    /// How long a session lives after its last use.
    public static let lifetimeMs: Int64 = 30 * 24 * 3600 * 1000
    /// A session is extended when it was last extended longer ago than this.
    public static let extendAfterMs: Int64 = 24 * 3600 * 1000

    /// A new random session id.
    public static func newID() -> String { Base64URL.random(byteCount: 32) }

    /// Whether `text` has the shape of a session id (checked before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy(Base64URL.isAlphabet)
    }

    /// The stored form of a session id.
    public static func hash(_ id: String) -> Data { Data(SHA256.hash(data: Data(id.utf8))) }

    /// The session's form token: every form of a signed-in page carries it, and a post whose
    /// token is not its session's is refused. Derived from the secret id (only the browser that
    /// holds the cookie can know it), so nothing more is stored.
    public static func formToken(for id: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data(("racesync form token\u{0}" + id).utf8))))
    }

    /// Whether `token` is the form token of session `id`, compared in constant time.
    public static func formTokenMatches(_ token: String?, session id: String) -> Bool {
        Secrets.equal(token, formToken(for: id))
    }
}

/// A session as the store keeps it.
public struct StoredSession: Sendable, Equatable {
    public var user: User
    /// When it ends unless used again (ms since 1970).
    public var expiresAtMs: Int64

    public init(user: User, expiresAtMs: Int64) {
        self.user = user
        self.expiresAtMs = expiresAtMs
    }
}

/// The signed-in user of a request, with what the page needs to act for them.
public struct SignedIn: Sendable, Equatable {
    public var user: User
    /// The session's id (from its cookie).
    public var sessionID: String
    /// The token every form of this session carries.
    public var formToken: String { WebSession.formToken(for: sessionID) }

    public init(user: User, sessionID: String) {
        self.user = user
        self.sessionID = sessionID
    }
}
