import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// Signing in and out on the hub's website (CONTRACT §8): the login page, signing in with an
/// API token, and signing out here or everywhere.
struct AccountRoutes {
    let store: Hub
    let web: WebSignIn
    /// Whether **Log in with Twitch** is offered (Twitch credentials and a public URL).
    let twitchSignIn: Bool
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        router.get(RouterPath(PagePaths.login)) { request, _ in
            let next = LoginPageModel.localPath(request.uri.queryParameters.get("next").map { String($0) })
            if try await web.signedIn(request) != nil { return Self.seeOther(next) }
            return WebPage.html(renderer.loginPage(LoginPageModel(next: next, twitchLink: twitchLink(next))))
        }
        router.post(RouterPath(PagePaths.login)) { request, context in
            try web.origin.check(request)
            let form = try await HubForm.read(request)
            let next = LoginPageModel.localPath(form.next)
            guard web.limiter.take(client: context.clientAddress) else {
                return loginPage(
                    next, "Too many sign-in attempts from here; wait a minute and try again.", .tooManyRequests)
            }
            guard let token = form.token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty,
                let user = try await store.user(token: token)
            else {
                return loginPage(next, "That API token is not valid here.", .unauthorized)
            }
            var response = Self.seeOther(next)
            web.cookie.set(try await store.openSession(for: user), on: &response)
            return response
        }
        router.post(RouterPath(PagePaths.logout)) { request, _ in
            try web.origin.check(request)
            let form = try await HubForm.read(request)
            var response = Self.seeOther(PagePaths.front)
            web.cookie.clear(on: &response)
            guard let signedIn = try await web.signedIn(request) else { return response }
            guard WebSession.formTokenMatches(form.csrf, session: signedIn.sessionID) else {
                throw SameOriginCheck.refusal("form token")
            }
            if request.uri.queryParameters.get("everywhere") == "1" {
                try await store.closeSessions(of: signedIn.user.id)
            } else {
                try await store.closeSession(signedIn.sessionID)
            }
            return response
        }
    }

    private func loginPage(_ next: String, _ problem: String, _ status: HTTPResponse.Status) -> Response {
        WebPage.html(
            renderer.loginPage(LoginPageModel(next: next, twitchLink: twitchLink(next), problem: problem)),
            status: status)
    }

    private func twitchLink(_ next: String) -> String? {
        guard twitchSignIn else { return nil }
        return next == "/"
            ? PagePaths.twitchSignIn
            : PagePaths.twitchSignIn + "?next=" + PagePaths.queryEscaped(next, keepingSlashes: true)
    }

    static func seeOther(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }
}

/// What every signed-in page and form of the hub needs: the cookie, the same-origin check, the
/// sign-in limiter, and the session lookup.
struct WebSignIn: Sendable {
    let store: Hub
    let cookie: SessionCookie
    let origin: SameOriginCheck
    /// Sign-in attempts per client.
    let limiter: SignInLimiter
    /// Device-login code requests per client (separate from sign-in attempts, which they must
    /// not use up).
    let codeRequests: SignInLimiter

    /// - Parameter now: the time the per-client limits count in.
    init(
        store: Hub, publicURL: String?,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.store = store
        cookie = SessionCookie(publicURL: publicURL)
        origin = SameOriginCheck(publicURL: publicURL)
        limiter = SignInLimiter(now: now)
        codeRequests = SignInLimiter(now: now)
    }

    /// The signed-in user of `request`, or nil.
    func signedIn(_ request: Request) async throws -> SignedIn? {
        guard let id = cookie.session(in: request) else { return nil }
        return try await store.signedIn(session: id)
    }

    /// A signed-in form post: from this site, by a signed-in user, carrying their session's
    /// form token; else a 403 page (or, signed out, the way to the login page).
    func checkedPost(_ request: Request, returnTo path: String) async throws -> (SignedIn, HubForm) {
        try origin.check(request)
        let form = try await HubForm.read(request)
        guard let signedIn = try await signedIn(request) else {
            throw WebPageError(
                .forbidden, "Signed out",
                "Your session has ended; log in again (\(LoginPageModel.link(returnTo: path))).")
        }
        guard WebSession.formTokenMatches(form.csrf, session: signedIn.sessionID) else {
            throw SameOriginCheck.refusal("form token")
        }
        return (signedIn, form)
    }
}
