import Foundation
import Hummingbird
import RaceService
import SyncCore

/// Puts the caller in the request context from `Authorization: Bearer <token>`, or answers 401
/// before anything else about the request is looked at (the contract's first check).
struct BearerAuthentication: RouterMiddleware {
    typealias Context = HubContext
    let store: Hub

    func handle(_ request: Request, context: HubContext, next: (Request, HubContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.user = try await caller(request)
        return try await next(request, context)
    }

    /// The user of a well-formed bearer token, or 401. A malformed header is refused without
    /// touching the store.
    func caller(_ request: Request) async throws -> User {
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard APIToken.isWellFormed(token), let user = try await store.user(token: token) else {
            throw APIError.unauthorized
        }
        return user
    }
}

extension Router<HubContext> {
    /// A group of routes that need a user: `context.caller()` is the authenticated caller.
    func authenticated(by store: Hub) -> RouterGroup<HubContext> {
        group().add(middleware: BearerAuthentication(store: store))
    }
}
