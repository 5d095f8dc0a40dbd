import Foundation
public import Hummingbird
import NIOCore
import RaceService
import SyncCore

/// An error answered as `{"detail": "..."}` with its status code. It is Hummingbird's
/// `HTTPResponseError`, so the framework renders it the same way wherever it is thrown.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var detail: String
    /// Seconds for `Retry-After`, when the client should come back later.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.detail = detail
        self.retryAfter = retryAfter
    }

    static func malformed(_ detail: String) -> APIError { .init(.unprocessableContent, detail) }
    static let unauthorized = APIError(
        .unauthorized, "missing or unknown API token (send 'Authorization: Bearer <token>')")
    static let raceNotFound = APIError(.notFound, "race not found")

    /// The one place errors become responses: every error a handler throws, and every
    /// framework error, is mapped here to the contract's status and `{"detail"}` body.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "request body is larger than 1 MiB")
        case let unavailable as StoreUnavailable:
            return APIError(
                .serviceUnavailable,
                unavailable.detail ?? "the store is unavailable; nothing was acknowledged, retry later",
                retryAfter: unavailable.retryAfterSeconds)
        case let violation as RuleViolation:
            return APIError(.init(code: violation.statusCode), violation.reason)
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge: return APIError(.contentTooLarge, "request body is larger than 1 MiB")
            case .notFound: return APIError(.notFound, "no such route")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method not allowed on this route")
            default: return APIError(error.status, error.body ?? error.status.reasonPhrase)
            }
        default:
            return nil
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    func response() -> Response {
        let body = "{\"detail\":\(JSONText.quote(detail))}"
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
