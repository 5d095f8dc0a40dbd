/// The account links in the header of the hub's pages: **Log in** when signed out, **Sign out**
/// (beside "Signed in as …") when signed in. The node's pages, always the replica's user's,
/// have none.
public struct AccountBar: Sendable, Equatable {
    /// Where **Log in** leads (the login page, returning here afterwards).
    public var signInLink: String?
    /// The **Sign out** form's action.
    public var signOutAction: String?
    /// The session's form token (signed in only).
    public var formToken: String?
    /// Where **New race** leads (signed in only).
    public var newRaceLink: String?
    /// Where **Tokens** leads (signed in only).
    public var tokensLink: String?

    /// Signed out, on the page at `path`.
    public static func signedOut(returnTo path: String) -> AccountBar {
        AccountBar(
            signInLink: LoginPageModel.link(returnTo: path), signOutAction: nil, formToken: nil, newRaceLink: nil,
            tokensLink: nil)
    }

    /// Signed in, with the session's form token.
    public static func signedIn(formToken: String) -> AccountBar {
        AccountBar(
            signInLink: nil, signOutAction: PagePaths.logout, formToken: formToken, newRaceLink: PagePaths.newRace,
            tokensLink: PagePaths.tokens)
    }
}
