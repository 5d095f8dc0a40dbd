import Foundation
public import SyncCore

/// Why `syncd user add` refused.
public enum UserAddError: Error, CustomStringConvertible, Equatable {
    case invalidLogin(String, TwitchLogin.Invalid)
    case invalidDisplayName(DisplayText.Invalid)
    case duplicate(String)

    public var description: String {
        switch self {
        case .invalidLogin(let raw, let why): return "invalid login '\(DisplayText.terminalSafe(raw))': \(why)"
        case .invalidDisplayName(let why): return "invalid display name: it \(why)"
        case .duplicate(let login): return "a user with login '\(login)' already exists"
        }
    }
}

/// A new user's checks, shared by every hub backend.
public enum NewUser {
    /// Validates the login and display name, and makes the user with a new API token.
    public static func make(login raw: String, displayName: String?) throws(UserAddError) -> (user: User, token: String)
    {
        let login: TwitchLogin
        do { login = try TwitchLogin(raw) } catch { throw UserAddError.invalidLogin(raw, error) }
        var displayName = displayName
        if let raw = displayName {
            switch User.validatedDisplayName(raw) {
            case .success(let valid): displayName = valid
            case .failure(let why): throw UserAddError.invalidDisplayName(why)
            }
        }
        return (User(id: UUID(), twitchUsername: login.value, twitchDisplayName: displayName), APIToken.generate())
    }
}
