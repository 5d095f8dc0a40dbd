import RaceWeb

/// The fields the hub's forms post; each form uses some of them.
struct HubForm: WebForm {
    /// The session's form token (every signed-in form).
    var csrf: String?
    /// An API token (the login page's token form).
    var token: String?
    /// Where to go after signing in (a local path).
    var next: String?
    /// A race's name (New race) or a token's (Create token).
    var name: String?
    /// A Twitch login (add a participant or a caster).
    var login: String?
    /// A device login's user code (the device page).
    var userCode: String?
    /// `approve` or `deny` (the device page).
    var decision: String?

    enum CodingKeys: String, CodingKey {
        case csrf, token, next, name, login, decision
        case userCode = "user_code"
    }
}
