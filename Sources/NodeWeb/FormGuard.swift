import Crypto
import Foundation
import RaceService
import RaceWeb
import SyncStore

/// Keeps other sites and other host names away from the node's caster controls.
///
/// - **Host**: every request must name the node by a loopback name and its port (a page of
///   another site whose name resolves to 127.0.0.1 cannot read or post: DNS rebinding).
/// - **Same origin**: a form post must come from the node's own pages: `Origin` equal to the
///   node's origin, else `Sec-Fetch-Site: same-origin`, else a same-origin `Referer`; a post
///   with none of them is refused.
/// - **Per-session token**: a random session cookie (HttpOnly, SameSite=Strict) and, in every
///   form, an HMAC of it under a key that lives only in this process; a post whose token does
///   not match its cookie is refused.
public struct FormGuard: Sendable {
    /// Why a request was refused (answered `403`, nothing changed).
    public struct Refusal: Error, Equatable, Sendable {
        public var reason: String
    }

    public static let cookieName = "racesync_session"
    /// The HMAC key's bytes (random per process: tokens of an earlier run stop working).
    private let key: [UInt8]
    /// Host names a request may use (without port).
    static let loopbackNames: Set<String> = ["127.0.0.1", "localhost", "[::1]"]

    public init(key: [UInt8] = FormGuard.randomBytes()) {
        self.key = key
    }

    /// 32 random bytes from the system's secure generator.
    public static func randomBytes() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// A new random session id (43 characters of base64url).
    public static func newSession() -> String {
        Base64URL.random(byteCount: 32)
    }

    /// Whether `text` looks like a session id this guard hands out.
    public static func isSession(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy(Base64URL.isAlphabet)
    }

    /// The form token of a session.
    public func token(for session: String) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(session.utf8), using: SymmetricKey(data: key))))
    }

    /// Whether `host` (the `Host` header) names this node on `port`.
    public static func hostAllowed(_ host: String?, port: Int) -> Bool {
        guard let host, let colon = host.lastIndex(of: ":") else { return false }
        let name = host[..<colon].lowercased()
        return loopbackNames.contains(name) && host[host.index(after: colon)...] == Substring(String(port))
    }

    /// Checks a form post; nil when it may go ahead.
    public func checkPost(
        host: String?, port: Int, origin: String?, fetchSite: String?, referer: String?, session: String?,
        token: String?
    ) -> Refusal? {
        guard Self.hostAllowed(host, port: port), let host else {
            return Refusal(reason: "the request does not name this node (Host)")
        }
        if let problem = SameOrigin.problem(
            origin: origin, fetchSite: fetchSite, referer: referer, own: ["http://\(host.lowercased())"])
        {
            return Refusal(reason: "cross-site request refused (\(problem))")
        }
        guard let session, Self.isSession(session) else {
            return Refusal(reason: "no session: reload the page and try again")
        }
        guard Secrets.equal(token, self.token(for: session)) else {
            return Refusal(reason: "the form's token does not match this session: reload the page and try again")
        }
        return nil
    }
}
