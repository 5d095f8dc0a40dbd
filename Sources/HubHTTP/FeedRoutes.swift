import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// `GET`/`HEAD /feeds/live.{atom,rss,json}` and `/feeds/races/{id}/live.{atom,rss,json}`, served
/// from the in-memory `FeedCache`, with `ETag`/`Last-Modified`, 304 on a conditional match, and
/// the WebSub `Link` header (`rel="hub"`, `rel="self"`).
struct FeedRoutes {
    let cache: FeedCache

    func register(on router: Router<HubContext>) {
        for format in FeedRenderer.Format.allCases {
            for method in [HTTPRequest.Method.get, .head] {
                router.on("/feeds/live.\(format.rawValue)", method: method) { request, _ in
                    try await respond(.all, format, request)
                }
                router.on("/feeds/races/:race_id/live.\(format.rawValue)", method: method) { request, context in
                    try await respond(.race(try HTTPIO.uuid(context, "race_id")), format, request)
                }
            }
        }
    }

    private func respond(_ scope: FeedScope, _ format: FeedRenderer.Format, _ request: Request) async throws -> Response
    {
        // A memory copy while the store is unchanged; else a re-render from the store.
        var rendered = cache.current(scope, format)
        if rendered == nil { rendered = try await cache.get(scope, format) }
        guard let feed = rendered else { throw APIError.raceNotFound }
        // The gzip representation when the client accepts it; each has its own ETag.
        let packed = ContentCoding.acceptsGzip(request.headers[.acceptEncoding]) ? feed.gzip : nil
        let etag = packed?.etag ?? feed.etag
        var headers: HTTPFields = [
            .contentType: format.contentType, .eTag: etag,
            .lastModified: feed.lastModifiedText, .cacheControl: "public, max-age=30", .vary: "Accept-Encoding",
        ]
        if packed != nil { headers[.contentEncoding] = "gzip" }
        // WebSub discovery (§4): the hub to subscribe at and the topic URL, as the feed itself links them.
        let base = cache.baseURL
        headers[.link] = WebSubHub.linkHeader(topic: WebSubTopic.url(scope, format, baseURL: base), baseURL: base)
        if Self.notModified(request, etag: etag, lastModified: feed.lastModified) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = packed?.lengthText ?? feed.lengthText
        let body: ResponseBody = request.method == .head ? .init() : .init(byteBuffer: packed?.body ?? feed.body)
        return Response(status: .ok, headers: headers, body: body)
    }

    static func notModified(_ request: Request, etag: String, lastModified: Date) -> Bool {
        ConditionalRequest.notModified(
            ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince],
            etag: etag, lastModified: lastModified)
    }
}
