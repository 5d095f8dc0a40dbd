import Foundation
import Hummingbird
import Logging
import SyncCore

/// Outermost middleware: maps every error to the contract's `{"detail"}` response (an error that renders
/// itself, like a page's HTML error, keeps its form), logs one
/// line per request (method, path without query, status, duration; never headers or tokens)
/// and counts requests for `/metrics`.
struct RequestLogAndErrors: RouterMiddleware {
    typealias Context = HubContext
    let metrics: HubMetrics
    let routes: RouteTable

    func handle(_ request: Request, context: HubContext, next: (Request, HubContext) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if let apiError = APIError.from(error) {
                response = apiError.response()
                if let routing = error as? HTTPError,
                    routing.status == .notFound || routing.status == .methodNotAllowed,
                    let allowed = routes.allowedMethods(for: request.uri.path)
                {
                    response = APIError(
                        .methodNotAllowed,
                        "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))"
                    ).response()
                    response.headers[.allow] = allowed.joined(separator: ", ")
                }
            } else if let own = error as? any HTTPResponseError,
                let rendered = try? own.response(from: request, context: context)
            {
                // An error that renders itself (a page's HTML error) keeps its own form.
                response = rendered
            } else {
                context.logger.error("internal error", metadata: ["error": "\(error)"])
                response = APIError(.internalServerError, "internal error").response()
            }
        }
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code)
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000))ms"
        )
        return response
    }
}
