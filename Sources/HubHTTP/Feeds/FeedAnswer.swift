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

    init(
        _ feed: FeedCache.Rendered, scope: FeedScope, format: FeedRenderer.Format, baseURL: String,
        request: HTTPRequest
    ) {
        let packed = ContentCoding.acceptsGzip(request.headerFields[.acceptEncoding]) ? feed.gzip : nil
        let etag = packed?.etag ?? feed.etag
        headers = [
            .contentType: format.contentType, .eTag: etag,
            .lastModified: feed.lastModifiedText, .cacheControl: "public, max-age=30", .vary: "Accept-Encoding",
        ]
        if packed != nil { headers[.contentEncoding] = "gzip" }
        // WebSub discovery (§4): the hub to subscribe at and the topic URL, as the feed itself links them.
        headers[.link] = WebSubHub.linkHeader(
            topic: WebSubTopic.url(scope, format, baseURL: baseURL), baseURL: baseURL)
        let notModified = ConditionalRequest.notModified(
            ifNoneMatch: request.headerFields[.ifNoneMatch], ifModifiedSince: request.headerFields[.ifModifiedSince],
            etag: etag, lastModified: feed.lastModified)
        if notModified {
            status = .notModified
            body = nil
            return
        }
        status = .ok
        headers[.contentLength] = packed?.lengthText ?? feed.lengthText
        body = request.method == .head ? nil : packed?.body ?? feed.body
    }
}
