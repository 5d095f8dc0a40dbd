import Hummingbird
import Logging

/// The one place errors become responses: every error a handler or the router throws is
/// answered here with the contract's status and `{"detail"}` body (`APIError.from`); a route
/// asked with the wrong method gets `405` and `Allow`; an error that renders itself (a page's
/// HTML error) keeps its form; anything else is a logged `500` that reveals nothing.
///
/// It sits inside the request log and the metrics middleware, so both see the final status.
struct ErrorResponses: RouterMiddleware {
    typealias Context = HubContext
    let routes: RouteTable

    func handle(_ request: Request, context: HubContext, next: (Request, HubContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            if let apiError = APIError.from(error) {
                if let routing = error as? HTTPError,
                    routing.status == .notFound || routing.status == .methodNotAllowed,
                    let allowed = routes.allowedMethods(for: request.uri.path)
                {
                    var response = APIError(
                        .methodNotAllowed,
                        "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))"
                    ).response()
                    response.headers[.allow] = allowed.joined(separator: ", ")
                    return response
                }
                return apiError.response()
            }
            if let own = error as? any HTTPResponseError,
                let rendered = try? own.response(from: request, context: context)
            {
                return rendered
            }
            context.logger.error("internal error", metadata: ["error": "\(error)"])
            return APIError(.internalServerError, "internal error").response()
        }
    }
}
