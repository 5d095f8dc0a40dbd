import HTTPTypes
import Hummingbird

/// Behind a trusted reverse proxy, takes the client's address from `X-Forwarded-For` (see
/// `TrustedProxies`); from anyone else the header is ignored.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = HubContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: HubContext, next: (Request, HubContext) async throws -> Response)
        async throws -> Response
    {
        guard !proxies.networks.isEmpty, proxies.isTrusted(context.clientAddress) else {
            return try await next(request, context)
        }
        var context = context
        context.clientAddress = proxies.client(
            peer: context.clientAddress, forwardedFor: request.headers[values: .forwardedFor])
        return try await next(request, context)
    }

}
