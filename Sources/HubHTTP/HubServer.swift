import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
public import RaceService
public import RaceWeb
public import SyncCore

/// The hub's waiting clients that `/metrics` counts: page event streams and long-polls, shared
/// by the public listener and the metrics listener.
public struct HubStreams: Sendable {
    public let pageEvents: PageEvents
    public let longPolls: LongPollLimiter

    public init(
        pageEvents: PageEvents = PageEventsSettings.standard(),
        longPolls: LongPollLimiter = LongPollLimiter()
    ) {
        self.pageEvents = pageEvents
        self.longPolls = longPolls
    }
}

/// The hub's page event streams as `syncd hub` runs them.
public enum PageEventsSettings {
    /// 1024 streams in all, `streamsPerClient` per client address, a recheck every 15 s.
    public static func standard(streamsPerClient: Int = 8) -> PageEvents {
        PageEvents(recheck: .seconds(15), slots: StreamSlots(limit: 1024, perClient: streamsPerClient))
    }
}

/// Builds the hub's router and HTTP application over the use cases (`Hub`), on either database.
public enum HubServer {
    /// The router with every route of the contract.
    /// With `metricsOnPublicPort` false (`--metrics-address`), `/metrics` is served only by
    /// `metricsApplication` and this router answers 404 for it. `rateClock` is the time the
    /// per-client limits of sign-in attempts and device-login codes count in.
    public static func router(
        store: Hub, metrics: HubMetrics, feeds: FeedCache, longPolls: LongPollLimiter = LongPollLimiter(),
        pageEvents: PageEvents = PageEventsSettings.standard(),
        metricsOnPublicPort: Bool = true, proxies: TrustedProxies = TrustedProxies(), quota: WriteQuota = .unlimited,
        publicURL: String? = nil, twitch: TwitchHooks = .none, webSub: WebSubHub? = nil, accessLog: AccessLog? = nil,
        rateClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) -> Router<HubContext> {
        let router = Router(context: HubContext.self)
        let routes = RouteTable()
        if let accessLog { router.add(middleware: RequestLog(log: accessLog)) }
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorResponses(routes: routes))
        router.add(middleware: ClientAddressMiddleware(proxies: proxies))
        router.get("/healthz") { _, _ in
            // A load balancer's check: an instance whose store is unreachable takes no traffic.
            guard await store.isAvailable() else {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "application/json", .retryAfter: "2"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"status":"unavailable"}"#)))
            }
            return HTTPIO.raw(Data(#"{"status":"ok"}"#.utf8))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
        if metricsOnPublicPort {
            addMetricsRoute(to: router, metrics: metrics, pageEvents: pageEvents, longPolls: longPolls)
        }
        let web = WebSignIn(store: store, publicURL: publicURL, now: rateClock)
        RaceRoutes(store: store, quota: quota, web: web).register(on: router)
        SyncRoutes(store: store, metrics: metrics, longPolls: longPolls, quota: quota).register(on: router)
        SnapshotRoute(store: store, cache: SnapshotCache(store: store)).register(on: router)
        FeedRoutes(cache: feeds).register(on: router)
        if let webSub { WebSubRoutes(hub: webSub).register(on: router) }
        // Log in with Twitch needs the app's credentials and the public URL Twitch returns to.
        let twitchRoutes = publicURL.flatMap { url in
            twitch.signIn.map {
                TwitchSignInRoutes(store: store, web: web, twitch: $0, redirectURI: Self.callbackURL(url))
            }
        }
        twitchRoutes?.register(on: router)
        AccountRoutes(store: store, web: web, twitchSignIn: twitchRoutes != nil).register(on: router)
        let pages = WebRoutes(store: store, events: pageEvents, web: web, quota: quota)
        RaceEventRoutes(store: store, events: pageEvents).register(on: router)
        RaceWebSocket(store: store, slots: pageEvents.slots).register(on: router)
        OverlayRoutes(store: store).register(on: router)
        OrganizerRoutes(store: store, web: web, pages: pages).register(on: router)
        TokenPageRoutes(store: store, web: web).register(on: router)
        DeviceLoginRoutes(store: store, web: web, publicURL: publicURL).register(on: router)
        if let secret = twitch.eventSubSecret {
            EventSubRoutes(store: store, secret: secret, lookup: twitch.streamLookup).register(on: router)
        }
        pages.register(on: router)
        routes.load(from: router)
        return router
    }

    /// `path` on the hub's public URL (a trailing slash of the URL is dropped).
    public static func publicAddress(_ publicURL: String, _ path: String) -> String {
        (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + path
    }

    /// The redirect URI registered with Twitch: the public URL + `/auth/twitch/callback`.
    public static func callbackURL(_ publicURL: String) -> String { publicAddress(publicURL, PagePaths.twitchCallback) }

    /// Where Twitch sends EventSub messages: the public URL + `/twitch/eventsub`.
    public static func eventSubCallback(_ publicURL: String) -> String { publicAddress(publicURL, HubPaths.eventSub) }

    /// `GET /metrics` in Prometheus' text format.
    static func addMetricsRoute<Context: RequestContext>(
        to router: Router<Context>, metrics: HubMetrics, pageEvents: PageEvents, longPolls: LongPollLimiter
    ) {
        router.get("/metrics") { _, _ in
            metrics.held(pageStreams: pageEvents.slots.held, longPolls: longPolls.held)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
    }

    /// The listener of `--metrics-address`: `/metrics` alone, as Prometheus exporters serve it,
    /// away from the public port. Same connection limits as the public listener.
    public static func metricsApplication(
        metrics: HubMetrics, streams: HubStreams, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        addMetricsRoute(to: router, metrics: metrics, pageEvents: streams.pageEvents, longPolls: streams.longPolls)
        let limits = ConnectionLimits()
        let connections = ConnectionCounter(perClient: limits.maxConnectionsPerClient)
        return Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: ConnectionGuard.handlers(limits: limits, counter: connections),
                    idleTimeout: limits.idleTimeout)),
            configuration: .init(address: .hostname(host, port: port), serverName: "racesync-hub-metrics"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The HTTP application on `host:port`. `onRunning` gets the bound port (useful with port 0).
    /// Every connection runs under `limits` (head, body and idle timeouts, a connection cap),
    /// whether it stays HTTP or becomes a race's WebSocket.
    public static func application(
        store: Hub, metrics: HubMetrics, feeds: FeedCache, host: String, port: Int, logger: Logger,
        limits: ConnectionLimits = ConnectionLimits(),
        pageEvents: PageEvents = PageEventsSettings.standard(),
        longPolls: LongPollLimiter = LongPollLimiter(), metricsOnPublicPort: Bool = true,
        quota: WriteQuota = .unlimited, publicURL: String? = nil, twitch: TwitchHooks = .none,
        webSub: WebSubHub? = nil, accessLog: AccessLog? = nil, earlyFeeds: Bool = true,
        rateClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let connections = ConnectionCounter(perClient: limits.maxConnectionsPerClient)
        let serverName = "racesync-hub"
        return Application(
            router: router(
                store: store, metrics: metrics, feeds: feeds, longPolls: longPolls, pageEvents: pageEvents,
                metricsOnPublicPort: metricsOnPublicPort, proxies: limits.trustedProxies, quota: quota,
                publicURL: publicURL, twitch: twitch, webSub: webSub, accessLog: accessLog, rateClock: rateClock),
            // HTTP/1.1, or a race's WebSocket, behind the connection limits either way.
            server: HTTPServerBuilder { responder in
                HubChildChannel(
                    responder: responder, limits: limits, counter: connections,
                    webSockets: RaceWebSocket(store: store, slots: pageEvents.slots),
                    feeds: earlyFeeds
                        ? FeedFastPath.Shared(
                            cache: feeds, metrics: metrics, accessLog: accessLog, serverName: serverName)
                        : nil)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
