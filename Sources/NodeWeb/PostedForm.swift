import RaceWeb

/// The fields a form of the node's pages posts.
struct PostedForm: WebForm {
    /// The page's CSRF token (`FormGuard`).
    var csrf: String?
    /// Where to go after the form (a page of this node; see `NodeWebRoutes.safeReturnPath`).
    var back: String?
}
