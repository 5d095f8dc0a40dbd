import Hummingbird
import Synchronization

/// The paths the router serves and their methods, to answer a known path with an unknown
/// method by `405 Method Not Allowed` and an `Allow` header instead of `404`. Filled once the
/// routes are registered (the error middleware that reads it is added before them).
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], methods: [String])]>([])

    func load(from router: Router<HubContext>) {
        var byPath: [String: Set<String>] = [:]
        for route in router.routes { byPath["\(route.path)", default: []].insert(route.method.rawValue) }
        let table = byPath.map { path, methods in (path.split(separator: "/"), methods.sorted()) }
        routes.withLock { $0 = table }
    }

    /// The methods allowed on `path`, or nil when no route has that path.
    func allowedMethods(for path: String) -> [String]? {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.first { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { pattern, segment in
                        pattern.hasPrefix(":") || pattern.hasPrefix("{") || pattern == segment
                    }
            }?.methods
        }
    }
}
