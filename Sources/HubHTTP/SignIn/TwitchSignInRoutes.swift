import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// "Log in with Twitch" (CONTRACT §8): `GET /auth/twitch` sends the browser to Twitch's
/// `/authorize` with a random `state` bound to a short-lived cookie; `GET /auth/twitch/callback`
/// checks that `state` (once: the cookie is cleared by the answer, so a replayed link fails),
/// learns the account from Twitch (`TwitchSignIn`), finds or makes its user and opens a session.
/// A cancelled sign-in, a wrong `state` or Twitch failing each answer a page; none opens a session.
struct TwitchSignInRoutes {
    let store: Hub
    let web: WebSignIn
    let twitch: any TwitchSignIn
    /// `--public-url` + `/auth/twitch/callback`.
    let redirectURI: String
    var renderer: PageRenderer { .standard }

    static let lifetimeSeconds = 600
    var cookieName: String { web.cookie.secure ? "__Host-racesync_oauth" : "racesync_oauth" }

    func register(on router: Router<HubContext>) {
        router.get(RouterPath(PagePaths.twitchSignIn)) { request, _ in
            let next = LoginPageModel.localPath(request.uri.queryParameters.get("next").map { String($0) })
            let state = WebSession.newID()
            var response = Response(
                status: .found,
                headers: [
                    .location: twitch.authorizeURL(state: state, redirectURI: redirectURI), .cacheControl: "no-store",
                ])
            response.setCookie(
                stateCookie(state + "~" + Base64URL.encode(Data(next.utf8)), maxAge: Self.lifetimeSeconds))
            return response
        }
        router.get(RouterPath(PagePaths.twitchCallback)) { request, context in
            var response = try await callback(request, client: context.clientAddress)
            response.setCookie(stateCookie("", maxAge: 0))
            return response
        }
    }

    /// The cookie binding a sign-in's `state` (and where to return) to this browser.
    private func stateCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: cookieName, value: value, maxAge: maxAge, path: "/", secure: web.cookie.secure, httpOnly: true,
            sameSite: .lax)
    }

    private func callback(_ request: Request, client: String) async throws -> Response {
        let query = request.uri.queryParameters
        if let error = query.get("error") {
            let cancelled = error == "access_denied"
            return page(
                cancelled ? "Sign-in cancelled" : "Sign-in failed",
                cancelled
                    ? "You did not allow RaceSync on Twitch, so you are not signed in. Nothing changed."
                    : "Twitch ended the sign-in (\(String(error.prefix(60)))). You are not signed in.", .badRequest)
        }
        let bound = request.cookies[cookieName]?.value.split(separator: "~", maxSplits: 1).map(String.init) ?? []
        guard bound.count == 2, let state = query.get("state").map({ String($0) }),
            Secrets.equal(state, bound[0]), let code = query.get("code"), !code.isEmpty,
            code.utf8.count <= 512
        else {
            return page(
                "Sign-in not valid",
                "This sign-in link is not valid here (it was used already, has expired, or was not started in this browser). Start again from Log in.",
                .badRequest)
        }
        guard web.limiter.take(client: client) else {
            return page("Too many sign-in attempts", "Wait a minute and try again.", .tooManyRequests)
        }
        let account: TwitchAccount
        do {
            account = try await twitch.account(code: String(code), redirectURI: redirectURI)
        } catch {
            switch error {
            case .refused: return page("Twitch refused the sign-in", error.description + ".", .badRequest)
            case .unavailable, .badAnswer: return page("Twitch is not answering", error.description + ".", .badGateway)
            }
        }
        let user: User
        do { user = try await store.user(signingInAs: account) } catch let error as TwitchLinkError {
            return page("Cannot sign in", error.description + ".", .conflict)
        }
        let next = Base64URL.decode(bound[1]).map { String(decoding: $0, as: UTF8.self) }
        var response = AccountRoutes.seeOther(LoginPageModel.localPath(next))
        web.cookie.set(try await store.openSession(for: user), on: &response)
        return response
    }

    private func page(_ heading: String, _ detail: String, _ status: HTTPResponse.Status) -> Response {
        WebPage.html(renderer.errorPage(WebPageError(status, heading, detail)), status: status)
    }
}
