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
/// as `ConnectionGuard` would (`idleTimeout`). A feed the store has changed since its last
/// rendering is rendered first, as the router would, the connection's reads held meanwhile. The
/// first bytes it cannot answer end its part — another request, a head it does not recognize
/// (`FeedRequestHead`), a head split across reads, an answer still waiting to be sent (a client
/// that is not reading), a store that cannot be read: from that request on, the connection belongs
/// to the full HTTP stack, which gets those bytes untouched, and to the first-head timer again.
/// Answers are written at once, so pipelined answers keep their order.
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
        /// Renders a stale site-wide feed, as the router does (`FeedCache.get`).
        let render: @Sendable (FeedRenderer.Format) async throws -> FeedCache.Rendered?

        init(
            cache: FeedCache, metrics: HubMetrics, accessLog: AccessLog?, serverName: String,
            render: (@Sendable (FeedRenderer.Format) async throws -> FeedCache.Rendered?)? = nil
        ) {
            self.cache = cache
            self.metrics = metrics
            self.accessLog = accessLog
            wire = FeedWire(baseURL: cache.baseURL, serverName: serverName)
            self.render = render ?? { try await cache.get(.all, $0) }
        }
    }

    private let shared: Shared
    private let admission: ConnectionAdmission
    private let idleTimeout: TimeAmount

    private enum State {
        /// Answering the requests that come.
        case serving
        /// Waiting for a feed that was stale to be rendered, the bytes read meanwhile held back.
        case rendering(held: ByteBuffer)
        /// The connection is the HTTP stack's.
        case handedOver
        case closed
    }
    private var state = State.serving
    private var answered = 0
    private var idleDeadline = CloseDeadline()
    /// The server shuts down: close once the answers being made are written.
    private var quiescing = false

    init(_ shared: Shared, admission: ConnectionAdmission, idleTimeout: TimeAmount) {
        self.shared = shared
        self.admission = admission
        self.idleTimeout = idleTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .serving:
            idleDeadline.cancel()
            serve(unwrapInboundIn(data), context: context)
        case .rendering(var held):
            var more = unwrapInboundIn(data)
            held.writeBuffer(&more)
            state = .rendering(held: held)
        case .handedOver, .closed:
            context.fireChannelRead(data)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server is shutting down: a connection this path serves is between requests (or
        // about to answer one), so it closes once what was written has gone out.
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .serving where answered > 0: closeWhenWritten(context)
        case .rendering: quiescing = true
        default: context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleDeadline.cancel()
        if case .rendering = state { state = .closed }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { idleDeadline.cancel() }

    /// Answers the requests in `buffer`, until one it cannot answer now.
    private func serve(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = bytes
        while buffer.readableBytes > 0 {
            let parsed = buffer.withUnsafeReadableBytes { FeedRequestHead.parse($0) }
            // A client that does not read what it asked for gets the HTTP stack's backpressure.
            guard context.channel.isWritable, case .feed(let head) = parsed,
                let format = FeedRenderer.Format(rawValue: head.format)
            else {
                stepAside(context, handing: buffer)
                return
            }
            guard let feed = shared.cache.current(.all, format) else {
                render(head, format, holding: buffer, context: context)
                return
            }
            buffer.moveReaderIndex(forwardBy: head.length)
            answer(head, format, feed, context: context)
        }
        context.flush()
        if quiescing {
            closeWhenWritten(context)
        } else if answered > 0 {
            // Between requests, the next must come within `idleTimeout`.
            idleDeadline.set(context, in: idleTimeout)
        }
    }

    /// The store changed since `format` was last rendered: renders it as the router would
    /// (`FeedCache.get`), reading nothing more meanwhile, then answers and goes on with `buffer`
    /// (which starts with `head`). A store that cannot be read leaves the request to the stack,
    /// which answers what the router answers then.
    private func render(
        _ head: FeedRequestHead, _ format: FeedRenderer.Format, holding buffer: ByteBuffer,
        context: ChannelHandlerContext
    ) {
        state = .rendering(held: buffer)
        if answered == 0 { admission.headArrived() }
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        let render = shared.render
        context.eventLoop.makeFutureWithTask { try await render(format) }.assumeIsolated().whenComplete {
            result in
            guard case .rendering(var held) = self.state else { return }
            self.state = .serving
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            guard case .success(let feed?) = result else {
                self.stepAside(context, handing: held)
                return
            }
            held.moveReaderIndex(forwardBy: head.length)
            self.answer(head, format, feed, context: context)
            self.serve(held, context: context)
        }
    }

    /// Hands the connection, from `buffer` on, to the full HTTP stack.
    private func stepAside(_ context: ChannelHandlerContext, handing buffer: ByteBuffer) {
        state = .handedOver
        context.flush()
        // The stack times a connection from its first head: that head must come in time too.
        if answered > 0 { admission.awaitHead(closing: context) }
        context.fireChannelRead(wrapInboundOut(buffer))
        if quiescing { context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    /// Closes the connection once everything written so far has gone out.
    private func closeWhenWritten(_ context: ChannelHandlerContext) {
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
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
