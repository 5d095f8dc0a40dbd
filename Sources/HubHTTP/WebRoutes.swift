import Foundation
import Hummingbird
import RaceWeb
import SyncCore
import SyncStore

/// The hub's public, read-only pages (CONTRACT §7): `/` and `/races/{id}`, their event
/// streams (`/events`, `/races/{id}/events`) and the stylesheet and script they use.
struct WebRoutes {
    let store: any HubStorage
    let events: PageEvents
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        StaticAssets.standard.register(on: router)
        router.get("/") { _, _ in
            let page = try await front()
            return WebPage.html(renderer.frontPage(page.model))
        }
        router.get("/events") { request, _ in
            events.response(request, signal: store.changeSignal) {
                let page = try await front()
                return PageState(id: page.head, html: renderer.frontBody(page.model), summary: page.model.summary)
            }
        }
        router.get("/races/:race_id") { _, context in
            guard let page = try await race(try Self.raceID(context)) else { throw WebPageError.raceNotFound }
            return WebPage.html(renderer.racePage(page.model))
        }
        router.get("/races/:race_id/events") { request, context in
            let id = try Self.raceID(context)
            guard try await race(id) != nil else { throw WebPageError.raceNotFound }
            return events.response(request, signal: store.changeSignal) {
                guard let page = try await race(id) else { return nil }
                return PageState(id: page.head, html: renderer.raceBody(page.model), summary: page.model.summary)
            }
        }
    }

    /// The log head is read before the page: a page is never older than the id it is sent with.
    private func front() async throws -> (model: FrontPageModel, head: String) {
        let head = try await store.logHead().text
        return (FrontPageModel(try await store.frontPage(), since: head), head)
    }

    private func race(_ id: UUID) async throws -> (model: RacePageModel, head: String)? {
        let head = try await store.logHead().text
        return try await store.racePage(id).map { (RacePageModel($0, since: head), head) }
    }

    static func raceID(_ context: HubContext) throws -> UUID {
        let text = context.parameters.get("race_id") ?? ""
        guard let id = UUID(uuidString: text) else { throw WebPageError.malformedRaceID(text) }
        return id
    }
}
