import Foundation
import Hummingbird
import NIOCore
import SyncCore
import SyncStore

/// An error answered as `{"detail": "..."}` with its status code. It is Hummingbird's
/// `HTTPResponseError`, so the framework renders it the same way wherever it is thrown.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var detail: String

    public init(_ status: HTTPResponse.Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    static func malformed(_ detail: String) -> APIError { .init(.unprocessableContent, detail) }
    static let unauthorized = APIError(.unauthorized, "missing or unknown API token (send 'Authorization: Bearer <token>')")
    static let raceNotFound = APIError(.notFound, "race not found")

    /// The one place errors become responses: every error a handler throws, and every
    /// framework error, is mapped here to the contract's status and `{"detail"}` body.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "request body is larger than 1 MiB")
        case let violation as RuleViolation:
            return APIError(.init(code: violation.status), violation.detail)
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
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
