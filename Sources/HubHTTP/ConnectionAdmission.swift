import NIOCore

/// Admits a connection and watches it until its first request head: refuses connections past
/// the caps (in total and per client address), closes one that sends no complete head within
/// `requestHeadTimeout` of opening (slowloris), and, for the connection's whole life, one that
/// stops reading (unwritable for `writeTimeout`). It never looks at what passes through, so it can
/// sit first in the pipeline, before HTTP is decoded or a WebSocket negotiated: nothing a client
/// sends reaches any other handler before it was admitted and timed.
final class ConnectionAdmission: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    typealias OutboundIn = Any

    private let limits: ConnectionLimits
    private let counter: ConnectionCounter
    private var admitted = false
    /// The peer address counted against its per-client cap, if it was.
    private var countedClient: String?
    private var started = false
    private var headDeadline = CloseDeadline()
    private var writeDeadline = CloseDeadline()

    init(limits: ConnectionLimits, counter: ConnectionCounter) {
        self.limits = limits
        self.counter = counter
    }

    /// The first request head arrived (decoded HTTP, or a WebSocket handshake): its timer stops.
    /// Called on the channel's event loop.
    func headArrived() {
        headDeadline.cancel()
    }

    /// A head is awaited again, with a new `requestHeadTimeout` (the feed fast path answered the
    /// first requests and hands the connection to HTTP decoding, whose first head this times);
    /// `context` is one of the connection's, to close it by. On the channel's event loop.
    func awaitHead(closing context: ChannelHandlerContext) {
        headDeadline.set(context, in: limits.requestHeadTimeout)
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

    /// The server is shutting down: a connection still waiting for its first request closes now
    /// (nothing is in flight on it); later, HTTP's own handler or the WebSocket ends the rest.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, headDeadline.isSet {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A client that stops reading makes the channel unwritable once its buffers fill: if it
    /// stays so for `writeTimeout`, the connection is closed and whatever waited to write ends.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeDeadline.cancel()
        } else if !writeDeadline.isSet {
            writeDeadline.set(context, in: limits.writeTimeout)
        }
        context.fireChannelWritabilityChanged()
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
        headDeadline.set(context, in: limits.requestHeadTimeout)
    }

    private func stop() {
        headDeadline.cancel()
        writeDeadline.cancel()
        if let countedClient {
            self.countedClient = nil
            counter.perClient.release(countedClient)
        }
        if admitted {
            admitted = false
            counter.release()
        }
    }
}

@available(*, unavailable)
extension ConnectionAdmission: Sendable {}
