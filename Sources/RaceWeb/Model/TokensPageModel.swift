public import Foundation
public import RaceService
import SyncCore

/// The signed-in user's API tokens page: each token's name, when it was made and last used (never
/// its secret), **Revoke**, and **Create token**, whose secret is shown once, right after.
public struct TokensPageModel: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var name: String
        public var created: String
        public var lastUsed: String
        public var revokeAction: String
    }

    public var title = "API tokens — RaceSync"
    public var feedAtom = "/feeds/live.atom"
    public var feedJSON = "/feeds/live.json"
    public var feedRSS = "/feeds/live.rss"
    public var you: String?
    public var account: AccountBar?
    public var formToken: String
    public var tokens: [Line]
    public var hasTokens: Bool
    public var createAction = PagePaths.tokens
    public var signOutEverywhereAction = PagePaths.logout + "?everywhere=1"
    /// A token just made: its name and secret, shown this once.
    public var newName: String?
    public var newSecret: String?

    public init(tokens: [StoredToken], you: String, formToken: String, new: (name: String, secret: String)? = nil) {
        self.you = you
        self.formToken = formToken
        account = .signedIn(formToken: formToken)
        self.tokens = tokens.map { token in
            Line(
                name: token.name, created: WebTime.full(Timestamp.date(milliseconds: token.createdAtMs)),
                lastUsed: token.lastUsedAtMs.map { WebTime.full(Timestamp.date(milliseconds: $0)) } ?? "never",
                revokeAction: PagePaths.revokeToken(token.id))
        }
        hasTokens = !tokens.isEmpty
        newName = new?.name
        newSecret = new?.secret
    }
}
