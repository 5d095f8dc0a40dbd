import Foundation
import Hummingbird
import Logging

/// One log line per request: method, path, status and duration.
///
/// Hummingbird's `LogRequestsMiddleware` logs the whole URI, query included; on this hub a
/// query can carry what must never reach a log (an OAuth code, a login link's token), so the
/// line names the path alone, and no header.
struct RequestLog<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms")
        return response
    }
}
