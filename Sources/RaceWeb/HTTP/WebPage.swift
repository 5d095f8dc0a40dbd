public import Foundation
public import HTTPTypes
public import Hummingbird
import RaceService
import SyncCore

/// HTML responses of the pages, with the headers every page carries: nothing loads from other
/// hosts (Content-Security-Policy), no framing, no sniffing, no referrer to other sites (`same-origin`: with `no-referrer` a browser sends `Origin: null` on form posts), never cached (pages
/// are live, and the node's carry a per-session form token).
public enum WebPage {
    public static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' \(TwitchURL.avatarHost); form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        .contentTypeOptions: "nosniff",
        .frameOptions: "DENY",
        .referrerPolicy: "same-origin",
        .cacheControl: "no-store",
    ]

    /// A page of HTML.
    public static func html(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:])
        -> Response
    {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Whether a client asked for HTML (a browser), so an error is answered as a page.
    public static func wantsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") ?? false
    }
}

/// An error answered as an HTML page ("Race not found") with its status.
public struct WebPageError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var heading: String
    public var detail: String

    public init(_ status: HTTPResponse.Status, _ heading: String, _ detail: String) {
        self.status = status
        self.heading = heading
        self.detail = detail
    }

    public static let raceNotFound = WebPageError(.notFound, "Race not found", "There is no race with this id here.")
    public static func malformedRaceID(_ text: String) -> WebPageError {
        WebPageError(.unprocessableContent, "Not a race id", "'\(text.prefix(80))' is not a race id (a UUID).")
    }

    /// The `race_id` path parameter of a page route, or a 422 page.
    public static func raceID(_ parameters: Parameters) throws -> UUID {
        let text = parameters.get("race_id") ?? ""
        guard let id = UUID(uuidString: text) else { throw malformedRaceID(text) }
        return id
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    public func response() -> Response { WebPage.html(PageRenderer.standard.errorPage(self), status: status) }
}
