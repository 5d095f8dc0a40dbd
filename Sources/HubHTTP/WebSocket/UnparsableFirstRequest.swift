import NIOCore
import NIOHTTP1

/// Answers a first request that does not parse as HTTP with `400` and closes the connection, as
/// Hummingbird does for any later one: while the connection is being negotiated nothing else
/// would (the upgrade code waits for a request that never comes). Passes everything on once the
/// first request was taken, HTTP or WebSocket.
final class UnparsableFirstRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    typealias OutboundOut = HTTPServerResponsePart

    /// Set on the event loop once the first request was taken.
    var negotiated = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !negotiated, error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        negotiated = true
        let head = HTTPResponseHead(
            version: .http1_1, status: .badRequest, headers: ["Connection": "close", "Content-Length": "0"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

@available(*, unavailable)
extension UnparsableFirstRequest: Sendable {}
