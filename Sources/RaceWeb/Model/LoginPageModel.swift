/// The hub's login page: **Log in with Twitch** when the hub can send people to Twitch, and
/// a form to sign in with an API token.
public struct LoginPageModel: Sendable, Equatable {
    public var title = "Log in — RaceSync"
    public var feedAtom = "/feeds/live.atom"
    public var feedJSON = "/feeds/live.json"
    public var feedRSS = "/feeds/live.rss"
    /// Where **Log in with Twitch** leads; nil when the hub has no Twitch credentials or public URL.
    public var twitchLink: String?
    /// The local page to return to after signing in.
    public var next: String
    /// Why the last attempt failed, if it did.
    public var problem: String?
    public var tokenAction = PagePaths.login

    public init(next: String, twitchLink: String?, problem: String? = nil) {
        self.next = next
        self.twitchLink = twitchLink
        self.problem = problem
    }

    /// The login page's address, returning to `path` afterwards.
    public static func link(returnTo path: String) -> String {
        path == "/" ? PagePaths.login : PagePaths.login + "?next=" + PagePaths.queryEscaped(path, keepingSlashes: true)
    }

    /// `path` if it is a page of this site (one leading slash, no scheme or host), else `/`:
    /// a sign-in never sends anyone to another site.
    public static func localPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"),
            path.utf8.count <= 512, !path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
        else { return "/" }
        return path
    }
}
