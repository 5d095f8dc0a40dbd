import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// `GET`/`HEAD /feeds/live.{atom,rss,json}` and `/feeds/races/{id}/live.{atom,rss,json}`, served
/// from the in-memory `FeedCache` as `FeedAnswer` says. A cached site-wide feed is usually answered
/// before it reaches the router, by `FeedFastPath`; these routes render what is not cached.
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
        let answer = FeedAnswer(feed, scope: scope, format: format, baseURL: cache.baseURL, request: request.head)
        return Response(
            status: answer.status, headers: answer.headers, body: answer.body.map { .init(byteBuffer: $0) } ?? .init())
    }
}
