import Foundation
import HTTPTypes
import Hummingbird
import RaceService
import RaceWeb
import SyncCore
import SyncStore

/// The node's pages, forms and event streams.
struct NodeWebRoutes {
    let server: NodeWebServer
    var pages: NodePages { server.pages }

    func register(on router: Router<BasicRequestContext>) {
        StaticAssets.standard.register(on: router)
        router.get("/login") { request, _ in
            guard let session = server.access.open(with: request.uri.queryParameters.get("token").map { String($0) })
            else {
                throw WebPageError(
                    .forbidden, "Login link not valid",
                    "This login link is not (or no longer) valid: it changes each time syncd node starts. Run 'racecli web' for the current one."
                )
            }
            var response = Self.seeOther("/")
            response.setCookie(
                Cookie(name: FormGuard.cookieName, value: session, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/") { request, _ in
            let session = Self.session(request)
            return WebPage.html(PageRenderer.standard.frontPage(try await pages.front(session: session).model))
        }
        router.get(RouterPath(PagePaths.frontEvents)) { request, _ in
            let session = Self.session(request)
            return server.events.response(request, signal: server.status.changes) {
                try await pages.front(session: session).state
            }
        }
        router.get(RouterPath(PagePaths.racePattern)) { request, context in
            let session = Self.session(request)
            guard let race = try await pages.race(try WebPageError.raceID(context.parameters), session: session) else {
                throw WebPageError.raceNotFound
            }
            return WebPage.html(PageRenderer.standard.racePage(race.model))
        }
        router.get(RouterPath(PagePaths.raceEventsPattern)) { request, context in
            let id = try WebPageError.raceID(context.parameters)
            let session = Self.session(request)
            guard try await pages.race(id, session: session) != nil else { throw WebPageError.raceNotFound }
            return server.events.response(request, signal: server.status.changes) {
                try await pages.race(id, session: session)?.state
            }
        }
        for (kind, path) in [(OpKind.join, "cast-join"), (.leave, "cast-leave")] {
            router.post(RouterPath(PagePaths.racePattern(path))) { request, context in
                let (session, _) = try await checkedForm(request)
                let id = try WebPageError.raceID(context.parameters)
                let refusal: String?
                do {
                    try await server.store.async.enqueue(kind, race: id)
                    refusal = nil
                    server.onLocalWrite()
                    server.status.replicaChanged()
                } catch let error as LocalWriteError {
                    refusal = error.description
                }
                guard let refusal else { return Self.seeOther(PagePaths.race(id)) }
                guard let race = try await pages.race(id, session: session, flash: refusal) else {
                    throw WebPageError.raceNotFound
                }
                return WebPage.html(PageRenderer.standard.racePage(race.model), status: .conflict)
            }
        }
        router.post("/notices/:op_id/dismiss") { request, context in
            let (_, form) = try await checkedForm(request)
            guard let opID = UUID(uuidString: context.parameters.get("op_id") ?? "") else {
                throw WebPageError(.unprocessableContent, "Not a notice", "That is not the id of a notice.")
            }
            try await server.store.async.dismissNotice(opID)
            server.status.replicaChanged()
            return Self.seeOther(Self.safeReturnPath(form.back))
        }
    }

    /// The session and fields of a form post that passed the guard; else the guard's refusal.
    private func checkedForm(_ request: Request) async throws -> (session: String, form: PostedForm) {
        let form = try await PostedForm.read(request)
        let session = request.cookies[FormGuard.cookieName]?.value
        if let refusal = server.guardian.checkPost(
            host: request.head.authority, port: server.port.current,
            origin: request.headers[.origin], fetchSite: request.headers[.secFetchSite],
            referer: request.headers[.referer], session: session, token: form.csrf)
        {
            throw refusal
        }
        return (session ?? "", form)
    }

    /// After a form: back to a page of this node (`/` or a race page), never elsewhere.
    static func safeReturnPath(_ given: String?) -> String {
        guard let given, given.hasPrefix("/races/"), UUID(uuidString: String(given.dropFirst("/races/".count))) != nil
        else { return "/" }
        return given
    }

    /// The browser's session: its cookie, opened by the login URL (`NodeWebGate` lets no request
    /// without one reach a page).
    static func session(_ request: Request) -> String { request.cookies[FormGuard.cookieName]?.value ?? "" }

    static func seeOther(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }
}
