import Hummingbird

/// The fields a form of the node's pages posts (`application/x-www-form-urlencoded`), decoded
/// by Hummingbird's `URLEncodedFormDecoder`.
struct PostedForm: Decodable, Sendable {
    /// The page's CSRF token (`FormGuard`).
    var csrf: String?
    /// Where to go after the form (a page of this node; see `NodeWebRoutes.safeReturnPath`).
    var back: String?

    /// Forms of the node's pages are tiny; a larger body is refused before it is parsed.
    static let maxBytes = 8 * 1024

    init(csrf: String? = nil, back: String? = nil) {
        self.csrf = csrf
        self.back = back
    }

    /// The form in `body`; a body that does not decode has no fields (so no CSRF token, and
    /// the guard refuses it).
    init(body: String) {
        self = (try? URLEncodedFormDecoder().decode(PostedForm.self, from: body)) ?? PostedForm()
    }
}
