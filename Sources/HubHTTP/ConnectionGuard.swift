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

/// Closes connections that hold the hub without using it: no complete request head within
/// `requestHeadTimeout` of opening (slowloris), a body that trickles past `requestBodyTimeout`,
/// or idle for `idleTimeout` after a response. Also refuses connections past the cap.
/// Sits after HTTP decoding, so it sees whole heads, never bytes.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let counter: ConnectionCounter
    private var admitted = false
    /// The peer address counted against its per-client cap, if it was.
    private var countedClient: String?
    private var writeDeadline: Scheduled<Void>?
    private var started = false
    private var requestsOpen = 0
    private var readingRequest = false
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, counter: ConnectionCounter) {
        self.limits = limits
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestsOpen += 1
            readingRequest = true
            arm(context, limits.requestBodyTimeout)
        case .body:
            break
        case .end:
            readingRequest = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    /// A client that stops reading makes the channel unwritable once its buffers fill: if it
    /// stays so for `writeTimeout`, the connection is closed and whatever waited to write ends.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeDeadline?.cancel()
            writeDeadline = nil
        } else if writeDeadline == nil {
            writeDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: limits.writeTimeout) {
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestsOpen = max(0, requestsOpen - 1)
            if requestsOpen == 0, !readingRequest { arm(context, limits.idleTimeout) }
        }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard counter.admit(limit: limits.maxConnections) else {
            context.close(promise: nil)
            return
        }
        admitted = true
        let peer = TrustedProxies.peer(context.channel.remoteAddress)
        if !limits.trustedProxies.isTrusted(peer) {
            guard counter.perClient.acquire(peer) else {
                context.close(promise: nil)
                return
            }
            countedClient = peer
        }
        arm(context, limits.requestHeadTimeout)
    }

    private func stop() {
        disarm()
        writeDeadline?.cancel()
        writeDeadline = nil
        if let countedClient {
            self.countedClient = nil
            counter.perClient.release(countedClient)
        }
        if admitted {
            admitted = false
            counter.release()
        }
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        disarm()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
