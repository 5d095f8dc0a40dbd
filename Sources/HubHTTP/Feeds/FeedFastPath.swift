import Foundation
import HTTPTypes
import Metrics
import NIOCore
import NIOHTTPTypes
import RaceService
import SyncCore
import Synchronization

/// Answers a GET or HEAD of a cached site-wide feed (`/feeds/live.{atom,rss,json}`) on the
/// connection's event loop, before the request reaches the router: no task, no middleware chain,
/// the shared bytes written as they are. This is the request feed readers make over and over.
///
/// It answers exactly what `FeedRoutes` would (`FeedAnswer`, plus the `Date` and `Server` headers
/// the framework adds), records the same request metric and access-log line, and steps aside —
/// the router then answers as always — for anything else: another path, a query string, a
/// `Connection` header other than keep-alive, a feed not rendered since the store last changed,
/// or a request that arrives while an earlier one on the connection is still being answered
/// (so pipelined answers keep their order).
final class FeedFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What every connection's fast path shares.
    struct Shared: Sendable {
        let cache: FeedCache
        let metrics: HubMetrics
        let accessLog: AccessLog?
        let serverName: String
    }

    private let shared: Shared
    /// Requests handed on to the router whose answer has not ended yet.
    private var outstanding = 0
    /// The request being answered here, until its end arrives.
    private var taken: (request: HTTPRequest, format: FeedRenderer.Format, feed: FeedCache.Rendered)?

    init(_ shared: Shared) { self.shared = shared }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if outstanding == 0, let (format, feed) = servable(request) {
                taken = (request, format, feed)
                return
            }
            outstanding += 1
            context.fireChannelRead(data)
        case .body:
            if taken == nil { context.fireChannelRead(data) }
        case .end:
            guard let taken else {
                context.fireChannelRead(data)
                return
            }
            self.taken = nil
            answer(taken.request, taken.format, taken.feed, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { outstanding = max(0, outstanding - 1) }
        context.write(data, promise: promise)
    }

    /// The feed this request asks for, when it can be answered here.
    private func servable(_ request: HTTPRequest) -> (FeedRenderer.Format, FeedCache.Rendered)? {
        guard request.method == .get || request.method == .head, let path = request.path,
            path.hasPrefix(Self.prefix),
            let format = FeedRenderer.Format(rawValue: String(path.dropFirst(Self.prefix.count)))
        else { return nil }
        if let connection = request.headerFields[.connection], connection.lowercased() != "keep-alive" { return nil }
        guard let feed = shared.cache.current(.all, format) else { return nil }
        return (format, feed)
    }

    private static let prefix = "/feeds/live."

    private func answer(
        _ request: HTTPRequest, _ format: FeedRenderer.Format, _ feed: FeedCache.Rendered,
        context: ChannelHandlerContext
    ) {
        let start = ContinuousClock.now
        let answer = FeedAnswer(feed, scope: .all, format: format, baseURL: shared.cache.baseURL, request: request)
        var head = HTTPResponse(status: answer.status, headerFields: answer.headers)
        head.headerFields[.date] = HTTPDateCache.shared.now
        head.headerFields[.server] = shared.serverName
        // Counted before it is written, so whoever reads the answer also finds it counted.
        let elapsed = ContinuousClock.now - start
        let route = Self.prefix + format.rawValue
        FeedFastPathMetrics.shared.record(route: route, method: request.method, status: answer.status, elapsed: elapsed)
        shared.metrics.answeredFeedEarly()
        shared.accessLog?.record(
            method: request.method.rawValue, path: route, status: answer.status.code, elapsed: elapsed,
            requestID: nil)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// The request metrics of fast-path answers, under the labels the router's `MetricsMiddleware`
/// gives the same route (in the process's request metrics); each metric made once.
final class FeedFastPathMetrics: Sendable {
    static let shared = FeedFastPathMetrics()

    private struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }
    private let made = Mutex<[Key: (Counter, Metrics.Timer)]>([:])

    func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, elapsed: Duration) {
        let key = Key(route: route, method: method, status: status.code)
        let (counter, timer) = made.withLock { made in
            if let existing = made[key] { return existing }
            let dimensions = [
                ("http.route", route), ("http.request.method", method.rawValue),
                ("http.response.status_code", String(status.code)),
            ]
            let metric = (
                Counter(label: "hb.requests", dimensions: dimensions),
                Metrics.Timer(
                    label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            )
            made[key] = metric
            return metric
        }
        counter.increment()
        timer.record(duration: elapsed)
    }
}

/// The `Date` header's value, formatted at most once a second.
final class HTTPDateCache: Sendable {
    static let shared = HTTPDateCache()
    private let cached = Mutex<(second: Int, text: String)>((-1, ""))

    var now: String {
        let second = Int(Date().timeIntervalSince1970)
        return cached.withLock { cached in
            if cached.second != second {
                cached = (second, Timestamp.rfc1123(Date(timeIntervalSince1970: Double(second))))
            }
            return cached.text
        }
    }
}
