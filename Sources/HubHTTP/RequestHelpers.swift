import Foundation
import Hummingbird
import SyncCore

/// Small request/response helpers shared by the route groups.
enum HTTPIO {
    /// A UUID path or query parameter, or 422 naming it.
    static func uuid(_ context: HubContext, _ name: String) throws -> UUID {
        let text = context.parameters.get(name) ?? ""
        guard let id = UUID(uuidString: text) else {
            throw APIError.malformed("\(name.replacingOccurrences(of: "_", with: " ")) '\(text)' is not a UUID")
        }
        return id
    }

    /// The JSON body decoded as `T`: 413 over 1 MiB, 422 naming the field that is wrong. `fast`
    /// reads the bytes first when given; nil from it leaves them to `JSONDecoder`.
    static func body<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: HubContext, fast: (([UInt8]) -> T?)? = nil
    ) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if let fast, let value = fast(Array(buffer: buffer)) { return value }
        do {
            return try WireJSON.decoder().decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw APIError.malformed(WireJSON.describe(error))
        }
    }

    /// A JSON response of a contract shape.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        raw(try WireJSON.encode(value), status: status)
    }

    /// A response of already-encoded JSON.
    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An integer query parameter within `range`, `fallback` when absent, else 422.
    static func intQuery(_ request: Request, _ name: String, in range: ClosedRange<Int>, fallback: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.malformed(
                "query parameter '\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'"
            )
        }
        return value
    }
}

/// `{"name": ...}` for `POST /api/races`.
struct CreateRaceBody: Decodable {
    var name: String
}

/// `{"twitch_username": ...}` for the participant and caster routes.
struct LoginBody: Decodable {
    var twitchUsername: String

    enum CodingKeys: String, CodingKey { case twitchUsername = "twitch_username" }

    /// The validated, lowercase login, or 422.
    func login() throws -> String {
        do { return try TwitchLogin(twitchUsername).value } catch {
            throw APIError.malformed("field 'twitch_username' is not a Twitch login: \(error)")
        }
    }
}
