public import NIOCore
import NIOHTTPTypes
import RaceWeb
import Synchronization

/// The limits every hub connection lives under (CONTRACT §6).
public struct ConnectionLimits: Sendable {
    /// A new connection must send a complete request head within this.
    public var requestHeadTimeout: TimeAmount = .seconds(30)
    /// A request's body must be complete this long after its head.
    public var requestBodyTimeout: TimeAmount = .seconds(60)
    /// Between requests, the next head must arrive within this.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// Connections open at once; more are closed as they arrive.
    public var maxConnections: Int = 4096
    /// Connections one client address may hold at once (trusted proxies are not counted).
    public var maxConnectionsPerClient: Int = 64
    /// A response that cannot be written for this long (the client stopped reading and the
    /// socket's buffers are full) closes the connection.
    public var writeTimeout: TimeAmount = .seconds(30)
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    public var trustedProxies = TrustedProxies()

    public init() {}
}

/// Counts the hub's open connections across event loops, in total and per client address.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)
    let perClient: PerClientCount

    init(perClient: Int = 64) { self.perClient = PerClientCount(limit: perClient) }

    /// Counts one more; false when that would pass `limit` (nothing is counted then).
    func admit(limit: Int) -> Bool {
        while true {
            let current = open.load(ordering: .relaxed)
            guard current < limit else { return false }
            if open.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    func release() { open.subtract(1, ordering: .relaxed) }

    var count: Int { open.load(ordering: .relaxed) }
}

/// Times an admitted HTTP connection's requests: a body that trickles past
/// `requestBodyTimeout` after its head, or a connection idle for `idleTimeout` after a response
/// (the next head must come within it), is closed. Sits after HTTP decoding, so it sees whole
/// heads, never bytes; tells the connection's `ConnectionAdmission` when the first head came.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let admission: ConnectionAdmission
    private var requestsOpen = 0
    private var readingRequest = false
    private var deadline = CloseDeadline()

    init(limits: ConnectionLimits, admission: ConnectionAdmission) {
        self.limits = limits
        self.admission = admission
    }

    /// The two handlers of a plain HTTP/1.1 connection, for `additionalChannelHandlers`.
    static func handlers(limits: ConnectionLimits, counter: ConnectionCounter) -> [any RemovableChannelHandler] {
        let admission = ConnectionAdmission(limits: limits, counter: counter)
        return [admission, ConnectionGuard(limits: limits, admission: admission)]
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            admission.headArrived()
            requestsOpen += 1
            readingRequest = true
            deadline.set(context, in: limits.requestBodyTimeout)
        case .body:
            break
        case .end:
            readingRequest = false
            deadline.cancel()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestsOpen = max(0, requestsOpen - 1)
            if requestsOpen == 0, !readingRequest { deadline.set(context, in: limits.idleTimeout) }
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
