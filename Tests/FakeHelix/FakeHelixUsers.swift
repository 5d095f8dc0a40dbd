import Foundation
import HTTPTypes
import Hummingbird

extension FakeHelixState {
    /// Makes `login` a Twitch account `GET /users` knows.
    public func addAccount(
        _ login: String, id: String, displayName: String? = nil,
        profileImageURL: String? = nil
    ) {
        let login = login.lowercased()
        state.withLock {
            $0.accounts[login] = Account(
                id: id, login: login, displayName: displayName ?? login.capitalized,
                profileImageURL: profileImageURL
                    ?? "https://static-cdn.jtvnw.net/jtv_user_pictures/\(login)-profile_image-300x300.png")
        }
    }

    /// How many `GET /users` requests arrived.
    public var usersRequests: Int { state.withLock { $0.usersRequests } }
}

extension FakeHelixServer {
    /// Whether `request` carries this app's `Client-Id` and an unexpired app token.
    static func hasAppToken(_ request: Request, _ state: FakeHelixState) -> Bool {
        let auth = request.headers[.authorization] ?? ""
        let token = auth.hasPrefix("Bearer ") ? String(auth.dropFirst(7)) : ""
        let valid = state.state.withLock { s in (s.tokens[token].map { $0 > Date() }) ?? false }
        return valid && request.headers[HTTPField.Name("Client-Id")!] == state.clientID
    }

    /// `GET /users?login=…` (at most 100) with the app token: the accounts it knows, as Twitch answers.
    static func users(_ request: Request, _ state: FakeHelixState) async throws -> Response {
        let logins = request.uri.queryParameters.getAll("login").map { $0.lowercased() }
        state.state.withLock { $0.usersRequests += 1 }
        guard hasAppToken(request, state) else {
            return try error(.unauthorized, "Invalid OAuth token")
        }
        guard logins.count <= 100 else {
            return try error(.badRequest, "The parameter \"login\" may only be specified up to 100 times")
        }
        let found = state.state.withLock { s in logins.compactMap { s.accounts[$0] } }
        return try json(
            .ok,
            [
                "data": found.map {
                    [
                        "id": $0.id, "login": $0.login, "display_name": $0.displayName, "type": "",
                        "broadcaster_type": "", "description": "", "profile_image_url": $0.profileImageURL,
                        "offline_image_url": "", "created_at": "2020-01-01T00:00:00Z",
                    ]
                }
            ])
    }
}
