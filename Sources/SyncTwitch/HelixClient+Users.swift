public import Foundation
public import SyncCore

extension HelixClient {
    /// One account of `GET /users`.
    struct HelixUser: Decodable {
        var id: String
        var login: String
        var displayName: String?
        var profileImageURL: String?

        enum CodingKeys: String, CodingKey {
            case id, login
            case displayName = "display_name"
            case profileImageURL = "profile_image_url"
        }
    }

    struct UsersPage: Decodable {
        var data: [HelixUser]
    }

    /// The Twitch accounts of `logins` (100 per request); logins Twitch does not know are absent.
    public func profiles(logins: [String]) async throws -> [TwitchProfile] {
        let unique = Array(Set(logins.map { $0.lowercased() })).sorted()
        var found: [TwitchProfile] = []
        for start in stride(from: 0, to: unique.count, by: 100) {
            let query = unique[start..<min(start + 100, unique.count)]
                .map { "login=\(AppTokenProvider.formEscape($0))" }.joined(separator: "&")
            let body = try await get("/users?" + query, what: "GET /users")
            let page: UsersPage
            do { page = try WireJSON.decoder().decode(UsersPage.self, from: body) } catch {
                throw TwitchError.badResponse(WireJSON.describe(error))
            }
            found += page.data.map {
                TwitchProfile(
                    userID: $0.id, login: $0.login, displayName: $0.displayName.flatMap { $0.isEmpty ? nil : $0 },
                    avatarURL: $0.profileImageURL)
            }
        }
        return found
    }
}
