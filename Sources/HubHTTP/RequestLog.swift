import Hummingbird
import Logging

/// One access-log line per request: method, path, status and duration (`AccessLog`).
///
/// Hummingbird's `LogRequestsMiddleware` logs the whole URI, query included; on this hub a
/// query can carry what must never reach a log (an OAuth code, a login link's token), so the
/// line names the path alone, and no header.
struct RequestLog<Context: RequestContext>: RouterMiddleware {
    let log: AccessLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        log.record(
            method: request.method.rawValue, path: request.uri.path, status: response.status.code,
            elapsed: ContinuousClock.now - start, requestID: context.logger[metadataKey: "hb.request.id"]?.description)
        return response
    }
}
