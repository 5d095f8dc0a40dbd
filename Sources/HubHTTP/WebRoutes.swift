import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// The hub's public, read-only pages (CONTRACT §7): `/` and `/races/{id}`, their event
/// streams (`/events`, `/races/{id}/events`) and the stylesheet and script they use.
struct WebRoutes {
    let store: Hub
    let events: PageEvents
    let cache = PageCache()
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        StaticAssets.standard.register(on: router)
        router.get("/") { _, _ in
            WebPage.html(renderer.frontPage(try await front().model))
        }
        router.get(RouterPath(PagePaths.frontEvents)) { request, context in
            events.response(request, client: context.clientAddress, signal: store.changeSignal) {
                let page = try await front()
                return PageState(id: page.head, html: page.body, summary: page.model.summary)
            }
        }
        router.get(RouterPath(PagePaths.racePattern)) { _, context in
            guard let page = try await race(try WebPageError.raceID(context.parameters)) else {
                throw WebPageError.raceNotFound
            }
            return WebPage.html(renderer.racePage(page.model))
        }
        router.get(RouterPath(PagePaths.raceEventsPattern)) { request, context in
            let id = try WebPageError.raceID(context.parameters)
            guard try await race(id) != nil else { throw WebPageError.raceNotFound }
            return events.response(request, client: context.clientAddress, signal: store.changeSignal) {
                guard let page = try await race(id) else { return nil }
                return PageState(id: page.head, html: page.body, summary: page.model.summary)
            }
        }
    }

    /// The front page as of now: cached while nothing was committed. The log head is read
    /// before the page, so a page is never older than the id it is sent with.
    private func front() async throws -> PageCache.Entry<FrontPageModel> {
        let generation = store.changeSignal.generation
        if let cached = cache.front(generation: generation) { return cached }
        let head = try await store.logHead().text
        let model = FrontPageModel(try await store.frontPage(), since: head)
        let entry = PageCache.Entry(generation: generation, head: head, model: model, body: renderer.frontBody(model))
        cache.keep(entry)
        return entry
    }

    /// A race page as of now (nil: unknown race), cached like the front page.
    private func race(_ id: UUID) async throws -> PageCache.Entry<RacePageModel>? {
        let generation = store.changeSignal.generation
        if let cached = cache.race(id, generation: generation) { return cached }
        let head = try await store.logHead().text
        guard let data = try await store.racePage(id) else { return nil }
        let model = RacePageModel(data, since: head)
        let entry = PageCache.Entry(generation: generation, head: head, model: model, body: renderer.raceBody(model))
        cache.keep(entry, for: id)
        return entry
    }
}
