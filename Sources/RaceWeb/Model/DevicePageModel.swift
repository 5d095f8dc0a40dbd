/// The device login page (`GET /device`, RFC 8628's verification page): a signed-in person types
/// the code their terminal shows (or arrives with it filled in), sees which device asks, and
/// approves or denies it.
public struct DevicePageModel: Sendable, Equatable {
    /// What the page shows.
    public enum Step: Sendable, Equatable {
        /// Asking for the code (after a problem, if there was one).
        case enterCode(problem: String?)
        /// A waiting device login: the code as shown (`XXXX-XXXX`) and the device's name.
        case confirm(userCode: String, clientName: String)
        /// The person decided.
        case decided(approved: Bool, clientName: String)
    }

    public var title = "Device login — RaceSync"
    public var feedAtom = "/feeds/live.atom"
    public var feedJSON = "/feeds/live.json"
    public var feedRSS = "/feeds/live.rss"
    public var action = PagePaths.device
    public var you: String?
    public var account: AccountBar?
    public var formToken: String
    public var asksCode: Bool
    public var problem: String?
    public var userCode: String?
    public var clientName: String?
    public var approved: Bool
    public var denied: Bool

    public init(step: Step, you: String, formToken: String) {
        self.you = you
        self.formToken = formToken
        account = .signedIn(formToken: formToken)
        asksCode = false
        approved = false
        denied = false
        switch step {
        case .enterCode(let problem):
            asksCode = true
            self.problem = problem
        case .confirm(let userCode, let clientName):
            self.userCode = userCode
            self.clientName = clientName
        case .decided(let approved, let clientName):
            self.approved = approved
            denied = !approved
            self.clientName = clientName
        }
    }
}
