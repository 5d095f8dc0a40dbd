import Foundation
import HTTPTypes
import NIOCore
import RaceService
import RaceWeb
import SyncCore

/// What a GET or HEAD of a rendered feed is answered, whoever answers it (the router's
/// `FeedRoutes`, or `FeedFastPath` on the event loop): the gzip representation when the client
/// accepts it (each with its own `ETag`), `304` on a conditional match, the WebSub `Link` header.
struct FeedAnswer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    /// nil for a `304` and for `HEAD`.
    var body: ByteBuffer?

    /// Which representation a request gets, and whether it is answered `304`: all an answer's
    /// head depends on besides the feed itself (and `HEAD` sends the same head as `GET`).
    struct Choice: Hashable, Sendable {
        var gzip: Bool
        var notModified: Bool
    }

    /// The choice for a request with these header values.
    static func choice(
        _ feed: FeedCache.Rendered, acceptEncoding: String?, ifNoneMatch: String?, ifModifiedSince: String?
    ) -> Choice {
        let gzip = feed.gzip != nil && ContentCoding.acceptsGzip(acceptEncoding)
        let notModified = ConditionalRequest.notModified(
            ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince,
            etag: gzip ? feed.gzip?.etag ?? feed.etag : feed.etag, lastModified: feed.lastModified)
        return Choice(gzip: gzip, notModified: notModified)
    }

    /// The bytes sent after the head: nil for a `304` and for `HEAD`.
    static func body(_ feed: FeedCache.Rendered, _ choice: Choice, isHead: Bool) -> ByteBuffer? {
        guard !choice.notModified, !isHead else { return nil }
        return choice.gzip ? feed.gzip?.body ?? feed.body : feed.body
    }

    init(
        _ feed: FeedCache.Rendered, scope: FeedScope, format: FeedRenderer.Format, baseURL: String, request: HTTPRequest
    ) {
        let fields = request.headerFields
        self.init(
            feed, scope: scope, format: format, baseURL: baseURL,
            choice: Self.choice(
                feed, acceptEncoding: fields[.acceptEncoding], ifNoneMatch: fields[.ifNoneMatch],
                ifModifiedSince: fields[.ifModifiedSince]),
            isHead: request.method == .head)
    }

    init(
        _ feed: FeedCache.Rendered, scope: FeedScope, format: FeedRenderer.Format, baseURL: String, choice: Choice,
        isHead: Bool
    ) {
        let packed = choice.gzip ? feed.gzip : nil
        headers = [
            .contentType: format.contentType, .eTag: packed?.etag ?? feed.etag,
            .lastModified: feed.lastModifiedText, .cacheControl: "public, max-age=30", .vary: "Accept-Encoding",
        ]
        if packed != nil { headers[.contentEncoding] = "gzip" }
        // WebSub discovery (§4): the hub to subscribe at and the topic URL, as the feed itself links them.
        headers[.link] = WebSubHub.linkHeader(
            topic: WebSubTopic.url(scope, format, baseURL: baseURL), baseURL: baseURL)
        body = Self.body(feed, choice, isHead: isHead)
        if choice.notModified {
            status = .notModified
            return
        }
        status = .ok
        headers[.contentLength] = packed?.lengthText ?? feed.lengthText
    }
}
