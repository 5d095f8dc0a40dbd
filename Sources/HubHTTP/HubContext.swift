public import Hummingbird
import NIOCore
public import SyncCore

/// The request context of the hub's router.
public struct HubContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, set by `BearerAuthentication` on the routes that need a user.
    public var user: User?
    /// The peer's socket address; its text is made only for the few routes that count clients.
    private let peer: SocketAddress?
    /// Set behind a trusted proxy to the address it forwarded (`ClientAddressMiddleware`).
    private var forwarded: String?

    /// The client's IP address, for per-client limits: the peer, or behind a trusted proxy the
    /// address it forwarded.
    public var clientAddress: String {
        get { forwarded ?? TrustedProxies.peer(peer) }
        set { forwarded = newValue }
    }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peer = source.channel.remoteAddress
    }

    /// Bodies over 1 MiB are refused with 413 (a push of 1000 ops fits).
    public var maxUploadSize: Int { 1 << 20 }

    /// The authenticated caller (routes behind `BearerAuthentication` always have one).
    func caller() throws -> User {
        guard let user else { throw APIError.unauthorized }
        return user
    }
}
