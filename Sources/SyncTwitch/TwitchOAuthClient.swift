public import Foundation
import NIOHTTP1
public import SyncCore

/// "Log in with Twitch" over HTTP (OAuth 2.0 authorization code flow, as Twitch documents it):
/// `POST {auth}/token` with the code, `GET {auth}/validate` to learn who signed in (and that
/// the token was issued to this app), `GET {api}/users` with that user's token for the display
/// name. Every failure is a `TwitchSignInError`; nothing here opens a session.
public struct TwitchOAuthClient: TwitchSignIn {
    let config: TwitchConfig
    let transport: any TwitchTransport

    public init(config: TwitchConfig, transport: any TwitchTransport) {
        self.config = config
        self.transport = transport
    }

    public func authorizeURL(state: String, redirectURI: String) -> String {
        let query = [
            ("response_type", "code"), ("client_id", config.clientID), ("redirect_uri", redirectURI), ("scope", ""),
            ("state", state),
        ]
        return config.authURL + "/authorize?"
            + query.map { "\($0)=\(AppTokenProvider.formEscape($1))" }.joined(
                separator: "&")
    }

    public func account(code: String, redirectURI: String) async throws(TwitchSignInError) -> TwitchAccount {
        let token = try await exchange(code: code, redirectURI: redirectURI)
        let validated = try await validate(token)
        let displayName = await displayName(token: token, userID: validated.userID)
        return TwitchAccount(userID: validated.userID, login: validated.login, displayName: displayName)
    }

    private func exchange(code: String, redirectURI: String) async throws(TwitchSignInError) -> String {
        let form = [
            ("client_id", config.clientID), ("client_secret", config.clientSecret), ("code", code),
            ("grant_type", "authorization_code"), ("redirect_uri", redirectURI),
        ]
        .map { "\($0)=\(AppTokenProvider.formEscape($1))" }.joined(separator: "&")
        let response = try await send(
            .POST, config.authURL + "/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Data(form.utf8))
        struct Reply: Decodable { var access_token: String }
        switch response.status {
        case 200:
            guard let reply = try? JSONDecoder().decode(Reply.self, from: response.body), !reply.access_token.isEmpty
            else { throw .badAnswer("the token answer has no access_token") }
            return reply.access_token
        case 400..<500: throw .refused(Self.message(response.body) ?? "status \(response.status)")
        default: throw .unavailable("status \(response.status) from /token")
        }
    }

    private func validate(_ token: String) async throws(TwitchSignInError) -> (userID: String, login: String) {
        let response = try await send(
            .GET, config.authURL + "/validate", headers: [("Authorization", "OAuth \(token)")])
        struct Reply: Decodable {
            var client_id: String
            var login: String
            var user_id: String
        }
        switch response.status {
        case 200:
            guard let reply = try? JSONDecoder().decode(Reply.self, from: response.body) else {
                throw .badAnswer("the validate answer has no login/user_id")
            }
            guard reply.client_id == config.clientID else { throw .refused("the token was issued to another app") }
            guard let login = try? TwitchLogin(reply.login), !reply.user_id.isEmpty, reply.user_id.utf8.count <= 64
            else { throw .badAnswer("login '\(reply.login.prefix(40))' or user id is not valid") }
            return (reply.user_id, login.value)
        case 401: throw .refused(Self.message(response.body) ?? "the token is not valid")
        default: throw .unavailable("status \(response.status) from /validate")
        }
    }

    /// The account's display name from Helix `GET /users`, or nil when it cannot be had (the
    /// sign-in goes on with the login).
    private func displayName(token: String, userID: String) async -> String? {
        guard
            let response = try? await send(
                .GET, config.apiURL + "/users?id=" + AppTokenProvider.formEscape(userID),
                headers: [("Authorization", "Bearer \(token)"), ("Client-Id", config.clientID)]),
            response.status == 200
        else { return nil }
        struct Reply: Decodable {
            struct Account: Decodable { var display_name: String }
            var data: [Account]
        }
        guard let name = (try? JSONDecoder().decode(Reply.self, from: response.body))?.data.first?.display_name,
            case .success(let valid) = User.validatedDisplayName(name)
        else { return nil }
        return valid
    }

    private func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)], body: Data? = nil
    ) async throws(TwitchSignInError) -> TwitchHTTPResponse {
        do {
            return try await transport.send(
                method: method, url: url, headers: headers, body: body, timeout: .seconds(10))
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// Twitch's error body: `{"status": 400, "message": "Invalid authorization code"}`.
    static func message(_ body: Data) -> String? {
        struct Reply: Decodable { var message: String }
        return (try? JSONDecoder().decode(Reply.self, from: body)).map { String($0.message.prefix(200)) }
    }
}
