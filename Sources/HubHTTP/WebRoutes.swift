import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// The hub's pages (CONTRACT §7, §8): `/` and `/races/{id}`, their event streams (`/events`,
/// `/races/{id}/events`) and the stylesheet and script they use. Signed out, everyone gets the
/// same cached page; signed in, a page carries the user's controls (**Cast this race**,
/// **(You)**, **Leave**) and the forms act through the same use cases as the REST API.
struct WebRoutes {
    let store: Hub
    let events: PageEvents
    let web: WebSignIn
    let quota: WriteQuota
    let cache = PageCache()
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        StaticAssets.standard.register(on: router)
        router.get("/") { request, _ in
            let signedIn = try await web.signedIn(request)
            var model = try await front(for: signedIn).model
            model.account = account(signedIn, returnTo: PagePaths.front)
            return WebPage.html(renderer.frontPage(model))
        }
        router.get(RouterPath(PagePaths.frontEvents)) { request, context in
            let signedIn = try await web.signedIn(request)
            return events.response(request, client: context.clientAddress, signal: store.changeSignal) {
                let page = try await front(for: signedIn)
                return PageState(id: page.head, html: page.body, summary: page.model.summary)
            }
        }
        router.get(RouterPath(PagePaths.racePattern)) { request, context in
            let id = try WebPageError.raceID(context.parameters)
            let signedIn = try await web.signedIn(request)
            guard var model = try await race(id, for: signedIn)?.model else { throw WebPageError.raceNotFound }
            model.account = account(signedIn, returnTo: PagePaths.race(id))
            return WebPage.html(renderer.racePage(model))
        }
        router.get(RouterPath(PagePaths.raceEventsPattern)) { request, context in
            let id = try WebPageError.raceID(context.parameters)
            let signedIn = try await web.signedIn(request)
            guard try await race(id, for: signedIn) != nil else { throw WebPageError.raceNotFound }
            return events.response(request, client: context.clientAddress, signal: store.changeSignal) {
                guard let page = try await race(id, for: signedIn) else { return nil }
                return PageState(id: page.head, html: page.body, summary: page.model.summary)
            }
        }
        for action in ["cast-join", "cast-leave"] {
            router.post(RouterPath(PagePaths.racePattern(action))) { request, context in
                let id = try WebPageError.raceID(context.parameters)
                let (signedIn, _) = try await web.checkedPost(request, returnTo: PagePaths.race(id))
                return try await act(on: id, as: signedIn) {
                    if action == "cast-join" {
                        _ = try await store.castJoin(race: id, caller: signedIn.user.id)
                    } else {
                        _ = try await store.castLeave(race: id, caller: signedIn.user.id)
                    }
                }
            }
        }
    }

    /// A signed-in form's write on race `id`, under the same write quota as the REST API: `303`
    /// back to the race page when done; when a rule (or the quota) refuses it, the race page
    /// with the reason and the refusal's status.
    func act(on id: UUID, as signedIn: SignedIn, _ write: () async throws -> Void) async throws -> Response {
        let refusal: (reason: String, status: HTTPResponse.Status)
        do {
            try quota.take(ops: 1, user: signedIn.user.id)
            try await write()
            return AccountRoutes.seeOther(PagePaths.race(id))
        } catch let violation as RuleViolation {
            refusal = (Sentence.of(violation.reason), .init(code: violation.statusCode))
        } catch let error as APIError where error.status != .serviceUnavailable {
            refusal = (Sentence.of(error.detail), error.status)
        }
        guard var model = try await race(id, for: signedIn, flash: refusal.reason)?.model else {
            throw WebPageError.raceNotFound
        }
        model.account = account(signedIn, returnTo: PagePaths.race(id))
        return WebPage.html(renderer.racePage(model), status: refusal.status)
    }

    private func account(_ signedIn: SignedIn?, returnTo path: String) -> AccountBar {
        signedIn.map { .signedIn(formToken: $0.formToken) } ?? .signedOut(returnTo: path)
    }

    private func viewer(_ signedIn: SignedIn) -> Viewer {
        Viewer(user: signedIn.user, formToken: signedIn.formToken, notices: [], offline: nil)
    }

    /// The front page as of now: signed out, cached while nothing was committed. The log head
    /// is read before the page, so a page is never older than the id it is sent with.
    private func front(for signedIn: SignedIn?) async throws -> PageCache.Entry<FrontPageModel> {
        let generation = store.changeSignal.generation
        if signedIn == nil, let cached = cache.front(generation: generation) { return cached }
        let head = try await store.logHead().text
        let model = FrontPageModel(try await store.frontPage(), viewer: signedIn.map(viewer), since: head)
        let entry = PageCache.Entry(generation: generation, head: head, model: model, body: renderer.frontBody(model))
        if signedIn == nil { cache.keep(entry) }
        return entry
    }

    /// A race page as of now (nil: unknown race), cached like the front page when signed out.
    private func race(_ id: UUID, for signedIn: SignedIn?, flash: String? = nil) async throws
        -> PageCache.Entry<RacePageModel>?
    {
        let generation = store.changeSignal.generation
        if signedIn == nil, let cached = cache.race(id, generation: generation) { return cached }
        let head = try await store.logHead().text
        guard let data = try await store.racePage(id) else { return nil }
        var model = RacePageModel(data, viewer: signedIn.map(viewer), since: head, organizerTools: true)
        let body = renderer.raceBody(model)
        model.flash = flash
        let entry = PageCache.Entry(generation: generation, head: head, model: model, body: body)
        if signedIn == nil { cache.keep(entry, for: id) }
        return entry
    }
}
