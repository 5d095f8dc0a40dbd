import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import RaceWeb
import SyncCore
public import SyncNode
public import SyncStore
import Synchronization

/// `syncd node --web HOST:PORT`: the race pages from the replica for the logged-in user, with
/// the caster's controls as plain HTML forms (CONTRACT §7). Loopback only; the API token stays
/// in the replica and never reaches the browser.
public struct NodeWebServer: Sendable {
    let pages: NodePages
    let store: ReplicaStore
    let status: NodeSyncStatus
    let guardian: FormGuard
    /// The login secret and the sessions it opened.
    public let access: NodeWebAccess
    /// Called after every local write: wakes the node loop to push it now.
    let onLocalWrite: @Sendable () -> Void
    let events = PageEvents(recheck: .seconds(1), slots: StreamSlots(limit: 64))
    /// The bound port, once known (the Host check needs it).
    let port = BoundPort()

    public init(
        store: ReplicaStore, status: NodeSyncStatus, access: NodeWebAccess = NodeWebAccess(),
        onLocalWrite: @escaping @Sendable () -> Void
    ) {
        let guardian = FormGuard()
        self.access = access
        self.pages = NodePages(store: store, status: status, guardian: guardian)
        self.store = store
        self.status = status
        self.guardian = guardian
        self.onLocalWrite = onLocalWrite
    }

    /// The router of every page, form and event stream.
    public func router(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: NodeWebGate(port: port, access: access, logger: logger))
        NodeWebRoutes(server: self).register(on: router)
        return router
    }

    /// The HTTP application. `onRunning` gets the bound port.
    public func application(
        host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    )
        -> some ApplicationProtocol
    {
        let bound = self.port
        bound.set(port)
        return Application(
            router: router(logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "racesync-node"),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? port
                bound.set(actual)
                await onRunning(actual)
            },
            logger: logger)
    }
}

/// The port the node's web server listens on.
public final class BoundPort: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    public func set(_ port: Int) { value.store(port, ordering: .relaxed) }
    public var current: Int { value.load(ordering: .relaxed) }
}

/// Outermost middleware of the node's pages: refuses requests that do not name the node by a
/// loopback name and its port (DNS rebinding), and every page, form and stream of a browser
/// without a session opened by the login URL; turns errors into pages, logs one line per request.
struct NodeWebGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let port: BoundPort
    let access: NodeWebAccess
    let logger: Logger

    /// What anyone may fetch: the login itself and the stylesheet and script.
    static func isPublic(_ path: String) -> Bool { path == "/login" || path.hasPrefix("/static/") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let response: Response
        if !FormGuard.hostAllowed(request.head.authority, port: port.current) {
            response = WebPageError(
                .forbidden, "Unknown host", "This node's pages answer only to a loopback address and their own port."
            ).response()
        } else if !Self.isPublic(request.uri.path), !access.isOpen(request.cookies[FormGuard.cookieName]?.value) {
            response = WebPageError(
                .forbidden, "Open your login link",
                "These pages are yours alone. Open the login link syncd node printed when it started (or run 'racecli web'); it changes at every start."
            ).response()
        } else {
            do {
                response = try await next(request, context)
            } catch let page as WebPageError {
                response = page.response()
            } catch let refusal as FormGuard.Refusal {
                response = WebPageError(.forbidden, "Refused", refusal.reason).response()
            } catch let error as HTTPError {
                response = WebPageError(
                    error.status, error.status.reasonPhrase, error.body ?? error.status.reasonPhrase
                ).response()
            } catch {
                logger.error("web page failed", metadata: ["error": "\(error)"])
                response = WebPageError(.internalServerError, "Something went wrong", "\(error)").response()
            }
        }
        logger.debug("\(request.method) \(request.uri.path) \(response.status.code)")
        return response
    }
}
