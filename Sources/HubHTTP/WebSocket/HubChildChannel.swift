import HTTPTypes
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
public import NIOWebSocket

/// The hub's connections: HTTP/1.1, where a connection's first request may instead open a race's
/// WebSocket (`GET /ws/races/{id}`). Our `ConnectionAdmission` comes first in every pipeline, so
/// the caps and the first head's timer hold before anything is decoded, whichever way the
/// connection goes; then `FeedFastPath`, which answers the cached feeds' requests from the raw
/// bytes until the first request it leaves to the rest. A handshake the hub does not accept (unknown race, no free slot, another
/// path) is answered by the router like any request (`404`, `429`, ...), never by the upgrade code.
struct HubChildChannel: ServerChildChannel, HTTPChannelHandler {
    /// What the first request made of the connection.
    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, RaceWebSocket.Session)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: Responder
    let limits: ConnectionLimits
    let counter: ConnectionCounter
    let webSockets: RaceWebSocket
    /// Cached feed GETs answered before HTTP decoding (`FeedFastPath`); nil leaves them all to the router.
    let feeds: FeedFastPath.Shared?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let admission = ConnectionAdmission(limits: limits, counter: counter)
            try channel.pipeline.syncOperations.addHandler(admission)
            if let feeds = self.feeds {
                try channel.pipeline.syncOperations.addHandler(
                    FeedFastPath(feeds, admission: admission, idleTimeout: limits.idleTimeout))
            }
            let unparsable = UnparsableFirstRequest()
            let firstHead = FirstHead()
            let limits = self.limits
            let webSockets = self.webSockets
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: RaceWebSocket.maxFrameBytes,
                shouldUpgrade: { channel, head in
                    let client = Self.client(channel, head, limits.trustedProxies)
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    promise.completeWithTask {
                        try await webSockets.accepts(path: head.uri, method: head.method, client: client)
                            ? HTTPHeaders() : nil
                    }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        admission.headArrived()
                        unparsable.negotiated = true
                        let client = Self.client(channel, head, limits.trustedProxies)
                        let frames = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                        return .webSocket(frames, webSockets.session(path: head.uri, client: client))
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(
                upgradeConfiguration: .init(
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        channel.eventLoop.makeCompletedFuture {
                            unparsable.negotiated = true
                            let sync = channel.pipeline.syncOperations
                            if let head = firstHead.refusedUpgrade { try sync.addHandler(FirstHead.Replay(head)) }
                            try sync.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                            try sync.addHandler(ConnectionGuard(limits: limits, admission: admission))
                            try sync.addHandler(
                                HTTPConnectionStateHandler(idleTimeout: .init(limits.idleTimeout), logger: logger))
                            return .http(
                                try NIOAsyncChannel(
                                    wrappingChannelSynchronously: channel,
                                    configuration: .init(isOutboundHalfClosureEnabled: true)))
                        }
                    }))
            // As Hummingbird's own HTTP/1.1 channel: it pipelines, handles errors and validates
            // headers itself (NIO's error handler would answer out of order on a busy connection).
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: configuration)
            try channel.pipeline.syncOperations.addHandler(unparsable)
            let upgradeHandler = try channel.pipeline.syncOperations.handler(
                type: NIOTypedHTTPServerUpgradeHandler<Negotiated>.self)
            try channel.pipeline.syncOperations.addHandler(firstHead, position: .before(upgradeHandler))
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    /// Who a handshake comes from, for the per-client caps: as `ClientAddressMiddleware` tells it
    /// for requests (the peer, or behind a trusted proxy the address it forwards).
    static func client(_ channel: any Channel, _ head: HTTPRequestHead, _ proxies: TrustedProxies) -> String {
        proxies.client(peer: TrustedProxies.peer(channel.remoteAddress), forwardedFor: head.headers["X-Forwarded-For"])
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .webSocket(let frames, let session):
                await session.run(frames, logger: logger)
            }
        } catch {
            // The first request never came whole (closed, or cut by a timeout): nothing to answer.
            logger.trace("connection ended before its first request", metadata: ["error": "\(error)"])
            try? await value.channel.close()
        }
    }
}
