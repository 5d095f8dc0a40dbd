/// The hub's **New race** page: a name, and the reason when the last try was refused.
public struct NewRacePageModel: Sendable, Equatable {
    public var title = "New race — RaceSync"
    public var feedAtom = "/feeds/live.atom"
    public var feedJSON = "/feeds/live.json"
    public var feedRSS = "/feeds/live.rss"
    public var action = PagePaths.newRace
    public var formToken: String
    public var name: String
    public var problem: String?
    public var you: String?
    public var account: AccountBar?

    public init(formToken: String, you: String, name: String = "", problem: String? = nil) {
        self.formToken = formToken
        self.you = you
        self.name = name
        self.problem = problem
        account = .signedIn(formToken: formToken)
    }
}
