import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// `GET /settings/tokens` (CONTRACT §8): the signed-in user's API tokens without an admin:
/// the list (never a secret), **Create token** (its secret shown once, on the page that answers
/// the form) and **Revoke**. Same-origin forms with the session's form token.
struct TokenPageRoutes {
    let store: Hub
    let web: WebSignIn
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        router.get(RouterPath(PagePaths.tokens)) { request, _ in
            guard let signedIn = try await web.signedIn(request) else {
                return AccountRoutes.seeOther(LoginPageModel.link(returnTo: PagePaths.tokens))
            }
            return try await page(signedIn)
        }
        router.post(RouterPath(PagePaths.tokens)) { request, _ in
            let (signedIn, form) = try await web.checkedPost(request, returnTo: PagePaths.tokens)
            let (token, secret) = try await store.createToken(for: signedIn.user.id, name: form.name ?? "")
            return try await page(signedIn, new: (token.name, secret), status: .created)
        }
        router.post(RouterPath(PagePaths.revokeTokenPattern)) { request, context in
            let (signedIn, _) = try await web.checkedPost(request, returnTo: PagePaths.tokens)
            guard let id = context.parameters.get("token_id").flatMap(UUID.init(uuidString:)),
                try await store.revokeToken(id, of: signedIn.user.id)
            else {
                throw WebPageError(.notFound, "No such token", "You have no token with this id (already revoked?).")
            }
            return AccountRoutes.seeOther(PagePaths.tokens)
        }
    }

    private func page(
        _ signedIn: SignedIn, new: (name: String, secret: String)? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let model = TokensPageModel(
            tokens: try await store.tokens(of: signedIn.user.id), you: signedIn.user.shownName,
            formToken: signedIn.formToken, new: new)
        return WebPage.html(renderer.tokensPage(model), status: status)
    }
}
