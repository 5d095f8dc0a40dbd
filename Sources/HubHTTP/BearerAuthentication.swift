import Hummingbird
import SyncCore
import SyncStore

/// Puts the caller in the request context from `Authorization: Bearer <token>`, or answers 401
/// before anything else about the request is looked at (the contract's first check).
struct BearerAuthentication: RouterMiddleware {
    typealias Context = HubContext
    let store: any HubStorage

    func handle(_ request: Request, context: HubContext, next: (Request, HubContext) async throws -> Response) async throws -> Response {
        var context = context
        context.user = try await HTTPIO.caller(request, store)
        return try await next(request, context)
    }
}

extension Router<HubContext> {
    /// A group of routes that need a user: `context.caller()` is the authenticated caller.
    func authenticated(by store: any HubStorage) -> RouterGroup<HubContext> {
        group().add(middleware: BearerAuthentication(store: store))
    }
}
