import NIOCore
import RaceService
import RaceWeb
import SyncCore

/// Answers GETs and HEADs of the cached site-wide feeds (`/feeds/live.{atom,rss,json}`) from the
/// connection's raw bytes, before any HTTP decoding: no parser state, no header objects, no task,
/// no router; the shared head and body bytes written as they are (a large body by `sendfile(2)`
/// from its `FeedBodyFile`). This is the request feed readers make over and over, on connections
/// they keep open.
///
/// It sits right after `ConnectionAdmission`, so connection caps and the write timeout hold as
/// for any request. It answers exactly what `FeedRoutes` would (`FeedAnswer` makes every header),
/// records the same request metric and access-log line, and times the connection between requests
/// as `ConnectionGuard` would (`idleTimeout`). The first bytes it cannot answer end its part — another
/// request, a head it does not recognize (`FeedRequestHead`), a head split across reads, a feed
/// not rendered since the store last changed, an answer still waiting to be sent (a client that
/// is not reading): from that request on, the connection belongs to the full HTTP stack, which
/// gets those bytes untouched, and to the first-head timer again. Answers are written at once, so
/// pipelined answers keep their order.
final class FeedFastPath: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection's fast path shares.
    struct Shared: Sendable {
        let cache: FeedCache
        let metrics: HubMetrics
        let accessLog: AccessLog?
        let wire: FeedWire

        init(cache: FeedCache, metrics: HubMetrics, accessLog: AccessLog?, serverName: String) {
            self.cache = cache
            self.metrics = metrics
            self.accessLog = accessLog
            wire = FeedWire(baseURL: cache.baseURL, serverName: serverName)
        }
    }

    private let shared: Shared
    private let admission: ConnectionAdmission
    private let idleTimeout: TimeAmount
    /// Until the first request it does not answer.
    private var serving = true
    private var answered = 0
    private var idleDeadline = CloseDeadline()

    init(_ shared: Shared, admission: ConnectionAdmission, idleTimeout: TimeAmount) {
        self.shared = shared
        self.admission = admission
        self.idleTimeout = idleTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard serving else {
            context.fireChannelRead(data)
            return
        }
        idleDeadline.cancel()
        var buffer = unwrapInboundIn(data)
        while buffer.readableBytes > 0 {
            let parsed = buffer.withUnsafeReadableBytes { FeedRequestHead.parse($0) }
            // A client that does not read what it asked for gets the HTTP stack's backpressure.
            guard context.channel.isWritable, case .feed(let head) = parsed,
                let format = FeedRenderer.Format(rawValue: head.format), let feed = shared.cache.current(.all, format)
            else {
                stepAside(context, handing: buffer)
                return
            }
            buffer.moveReaderIndex(forwardBy: head.length)
            answer(head, format, feed, context: context)
        }
        context.flush()
        // Between requests, the next must come within `idleTimeout`.
        if answered > 0 { idleDeadline.set(context, in: idleTimeout) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server is shutting down: a connection this path serves is between requests, so it
        // closes once what was written has gone out.
        if serving, answered > 0, event is ChannelShouldQuiesceEvent {
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleDeadline.cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { idleDeadline.cancel() }

    /// Hands the connection, from `buffer` on, to the full HTTP stack.
    private func stepAside(_ context: ChannelHandlerContext, handing buffer: ByteBuffer) {
        serving = false
        context.flush()
        // The stack times a connection from its first head: that head must come in time too.
        if answered > 0 { admission.awaitHead(closing: context) }
        context.fireChannelRead(wrapInboundOut(buffer))
    }

    private func answer(
        _ head: FeedRequestHead, _ format: FeedRenderer.Format, _ feed: FeedCache.Rendered,
        context: ChannelHandlerContext
    ) {
        let start = ContinuousClock.now
        if answered == 0 { admission.headArrived() }
        answered += 1
        let choice = FeedAnswer.choice(
            feed, acceptEncoding: head.acceptEncoding, ifNoneMatch: head.ifNoneMatch,
            ifModifiedSince: head.ifModifiedSince)
        // Counted before it is written, so whoever reads the answer also finds it counted.
        let elapsed = ContinuousClock.now - start
        FeedFastPathMetrics.shared.record(
            format: format, isHead: head.isHead, notModified: choice.notModified, elapsed: elapsed)
        shared.metrics.answeredFeedEarly()
        if let accessLog = shared.accessLog {
            accessLog.record(
                method: head.isHead ? "HEAD" : "GET", path: "/feeds/live." + head.format,
                status: choice.notModified ? 304 : 200, elapsed: elapsed, requestID: nil)
        }
        context.write(wrapOutboundOut(shared.wire.head(feed, format, choice)), promise: nil)
        context.write(wrapOutboundOut(HTTPDateLine.shared.now), promise: nil)
        guard let body = FeedAnswer.body(feed, choice, isHead: head.isHead) else { return }
        // A large uncompressed body goes out by sendfile(2), from the rendering's file.
        if !choice.gzip, let file = shared.wire.file(feed, format), let region = file.region(on: context.eventLoop) {
            let written = context.eventLoop.makePromise(of: Void.self)
            context.write(NIOAny(IOData.fileRegion(region)), promise: written)
            file.keepAlive(until: written.futureResult)
        } else {
            context.write(wrapOutboundOut(body), promise: nil)
        }
    }
}

@available(*, unavailable)
extension FeedFastPath: Sendable {}
