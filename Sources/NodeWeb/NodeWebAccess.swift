import Foundation
public import RaceService
import SyncStore
import Synchronization

/// Who may use the node's pages: only a browser that opened the login URL printed at start
/// (`/login?token=SECRET`, as Jupyter does). `Host` and `Origin` are headers any local process
/// can send, so on a machine shared with other users they prove nothing; the secret does. It is
/// random per start, printed on stderr and kept in a 0600 file beside the replica
/// (`racecli web` prints it); the sessions it opens live in this process only.
public final class NodeWebAccess: Sendable {
    /// The login secret (43 characters of base64url).
    public let secret: String
    /// Sessions opened with the secret, newest last; at most `maxSessions`.
    private let sessions = Mutex<[String]>([])
    static let maxSessions = 32

    public init(secret: String = Base64URL.random(byteCount: 32)) { self.secret = secret }

    /// A new session when `token` is the secret (compared in constant time); nil otherwise.
    func open(with token: String?) -> String? {
        guard Secrets.equal(token, secret) else { return nil }
        let session = FormGuard.newSession()
        sessions.withLock { list in
            list.append(session)
            if list.count > Self.maxSessions { list.removeFirst(list.count - Self.maxSessions) }
        }
        return session
    }

    /// Whether `session` (the cookie) was opened with the secret.
    func isOpen(_ session: String?) -> Bool {
        guard let session, FormGuard.isSession(session) else { return false }
        return sessions.withLock { $0.contains { Secrets.equal($0, session) } }
    }
}
