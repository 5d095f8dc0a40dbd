import NIOCore
import NIOHTTP1

/// NIO's upgrade handler keeps the whole of a request that asked for an upgrade it did not make
/// (an unknown race, no free slot, another protocol): the head, and the end too when the upgrader
/// answered late. This notes such a head and hands the request back to the HTTP side (`Replay`),
/// marked `Connection: close` since the decoder reads nothing more on that connection, so the
/// router answers it like any request.
final class FirstHead: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private var seen = false
    /// The first request's head, when it asked for an upgrade (set on the event loop).
    private(set) var refusedUpgrade: HTTPRequestHead?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !seen, case .head(let head) = unwrapInboundIn(data) {
            seen = true
            let connection = head.headers[canonicalForm: "connection"].map { $0.lowercased() }
            if connection.contains("upgrade"), head.headers.contains(name: "upgrade") {
                var plain = head
                plain.headers.remove(name: "upgrade")
                plain.headers.replaceOrAdd(name: "connection", value: "close")
                refusedUpgrade = plain
            }
        }
        context.fireChannelRead(data)
    }

    /// Gives the HTTP side the kept request (head and end, once the pipeline is ready), and drops
    /// whatever of that same request NIO still passes on.
    final class Replay: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart

        private var pending: HTTPRequestHead?
        private var requestDone = false

        init(_ head: HTTPRequestHead) { pending = head }

        func handlerAdded(context: ChannelHandlerContext) {
            // After the rest of the HTTP pipeline is in place (it is added right after this).
            context.eventLoop.assumeIsolated().execute { self.inject(context) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            inject(context)
            guard requestDone else {
                if case .end = unwrapInboundIn(data) { requestDone = true }
                return
            }
            context.fireChannelRead(data)
        }

        private func inject(_ context: ChannelHandlerContext) {
            guard let head = pending else { return }
            pending = nil
            context.fireChannelRead(wrapInboundOut(.head(head)))
            context.fireChannelRead(wrapInboundOut(.end(nil)))
            context.fireChannelReadComplete()
        }
    }
}

@available(*, unavailable)
extension FirstHead: Sendable {}

@available(*, unavailable)
extension FirstHead.Replay: Sendable {}
