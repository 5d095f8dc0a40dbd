import ArgumentParser
import Foundation
import HubHTTP
import Hummingbird
import Logging
import RaceSyncCommand
import ServiceLifecycle
import SyncCore
import SyncStore

#if PostgreSQL
    import SyncPostgres
#endif

/// `syncd hub`: the central server.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the central hub: REST API, sync push/pull, live poller and feeds.",
        discussion: """
            Stops gracefully on SIGINT/SIGTERM: in-flight requests finish, the store is closed.
            Example: syncd hub --db /var/lib/racesync/hub.sqlite --host 0.0.0.0 --port 8080
            On PostgreSQL: syncd hub --db postgresql://racesync@db.internal/racesync (see docs/scale-out.md)
            """)

    @Option(
        help:
            "Hub store: a SQLite file, or postgresql://USER@HOST[:PORT][,HOST2[:PORT]…]/DB[?target_session_attrs=read-write&sslmode=verify-full&sslrootcert=CA.crt] shared by any number of hubs, failing over to a promoted standby (default: $RACESYNC_DATABASE_URL, else $XDG_DATA_HOME/racesync/hub.sqlite)."
    )
    var db: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and logs it).")
    var port = 8080

    @Option(name: .customLong("public-url"), help: "Public base URL used in feed links (default http://HOST:PORT).")
    var publicURL: String?

    @Option(name: .customLong("feed-dir"), help: "Folder to export live feeds into after each poll.")
    var feedDir: String?

    @Option(name: .customLong("poll-interval"), help: "Seconds between Twitch polls.")
    var pollInterval: Int = 60

    @Option(
        name: .customLong("eventsub-secret-file"),
        help: ArgumentHelp(
            "A file holding the EventSub secret (10-100 ASCII characters): serves Twitch's webhook at /twitch/eventsub.",
            discussion:
                "Default: $RACESYNC_EVENTSUB_SECRET. Twitch calls back only https URLs on port 443 (--public-url)."))
    var eventSubSecretFile: String?

    @Option(
        name: .customLong("metrics-address"),
        help: ArgumentHelp(
            "Serve /metrics on this HOST:PORT only (for example 127.0.0.1:9090); the public port then answers 404 for it.",
            discussion: "Default: /metrics on the public port."))
    var metricsAddress: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A reverse proxy's address or network (CIDR, repeatable): behind it the client is taken from X-Forwarded-For.",
            discussion: "From any other peer X-Forwarded-For is ignored. Example: --trusted-proxy 127.0.0.1/32"))
    var trustedProxies: [String] = []

    @Option(name: .customLong("max-connections-per-ip"), help: "Connections one client address may hold at once.")
    var maxConnectionsPerIP = 64

    @Option(name: .customLong("max-streams-per-ip"), help: "Page event streams one client address may hold at once.")
    var maxStreamsPerIP = 8

    @Option(name: .customLong("max-long-polls-per-ip"), help: "Waiting pulls one client address may hold at once.")
    var maxLongPollsPerIP = 8

    @Option(
        name: .customLong("max-ops-per-minute"),
        help:
            "Writes one user may make per minute: pushed ops plus REST writes (0: no limit). A burst of one full push (1000) is always allowed."
    )
    var maxOpsPerMinute = WriteQuota.defaultOpsPerMinute

    @Option(name: .customLong("max-races-per-day"), help: "Races one user may create per day (0: no limit).")
    var maxRacesPerDay = WriteQuota.defaultRacesPerDay

    @Option(
        name: .customLong("write-timeout"),
        help: "Seconds a response may wait for a client that stopped reading before the connection is closed.")
    var writeTimeout = 30

    @Flag(
        name: .customLong("websub-allow-private"),
        help:
            "Let WebSub subscribers' callbacks be on loopback, private or link-local addresses (refused by default: a hub facing the internet must not be made to call into its own network)."
    )
    var webSubAllowPrivate = false

    @Flag(
        name: .customLong("no-access-log"),
        help:
            "Log no line per request (the access log; LOG_LEVEL above info turns it off too). Errors and warnings are still logged."
    )
    var noAccessLog = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard pollInterval >= 1 else { throw ValidationError("--poll-interval must be at least 1 second") }
        if let metricsAddress { _ = try ListenAddress(metricsAddress, flag: "--metrics-address") }
        _ = try proxies()
        for (flag, value) in [
            ("--max-connections-per-ip", maxConnectionsPerIP), ("--max-streams-per-ip", maxStreamsPerIP),
            ("--max-long-polls-per-ip", maxLongPollsPerIP), ("--write-timeout", writeTimeout),
        ] where value < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
        guard maxOpsPerMinute >= 0, maxRacesPerDay >= 0 else {
            throw ValidationError("--max-ops-per-minute and --max-races-per-day must be 0 (off) or more")
        }
        if let publicURL, URL(string: publicURL)?.scheme == nil {
            throw ValidationError("--public-url must be an absolute URL, like https://races.example.org")
        }
    }

    /// The `--trusted-proxy` networks.
    func proxies() throws -> TrustedProxies {
        TrustedProxies(
            try trustedProxies.map { text in
                guard let network = IPNetwork(text) else {
                    throw ValidationError(
                        "--trusted-proxy takes an IP address or network, like 10.0.0.0/8 or ::1, not '\(text)'")
                }
                return network
            })
    }

    func run() async throws {
        LogSetup.bootstrap()
        let logger = Logger(label: "racesync.hub")
        let backend = try await HubBackend.open(db, serving: true, logger: logger)
        logger.info("store open", metadata: ["db": .string(backend.description)])
        let storage = backend.hub
        let metrics = HubMetrics()
        let feeds = FeedCache(store: storage, baseURL: publicURL ?? "http://\(host):\(port)")
        let exporter = feedDir.map { FeedExporter(directory: $0, cache: feeds, store: storage) }
        let explicitURL = publicURL != nil
        // The export starts once the port is known (feed self links carry it).
        let (exportStarts, exportNow) = AsyncStream.makeStream(of: FeedExportService.self)
        var limits = ConnectionLimits()
        limits.maxConnections = FileLimit.connectionCap()
        limits.maxConnectionsPerClient = maxConnectionsPerIP
        limits.writeTimeout = .seconds(Int64(writeTimeout))
        limits.trustedProxies = try proxies()
        let streams = HubStreams(
            pageEvents: PageEventsSettings.standard(streamsPerClient: maxStreamsPerIP),
            longPolls: LongPollLimiter(perClient: maxLongPollsPerIP))
        let metricsListener = try metricsAddress.map { try ListenAddress($0, flag: "--metrics-address") }
        let twitchClient = TwitchSetup.poller(store: storage, metrics: metrics, interval: pollInterval, logger: logger)
        let eventSubSecret = try EventSubSetup.secret(file: eventSubSecretFile)
        EventSubSetup.announce(secret: eventSubSecret, publicURL: publicURL, logger: logger)
        let twitchJobs = twitchClient.map {
            TwitchSetup.jobs(
                poller: $0.poller, helix: $0.helix, store: storage, eventSubSecret: eventSubSecret,
                publicURL: publicURL, interval: pollInterval, logger: logger)
        }
        if let publicURL, twitchClient != nil {
            logger.info("Log in with Twitch on", metadata: ["redirect_uri": "\(HubServer.callbackURL(publicURL))"])
        } else if twitchClient != nil {
            logger.info("Log in with Twitch off: it needs --public-url (Twitch returns to it); token sign-in only")
        }
        let webSubTransport = WebSubHTTPTransport(addresses: CallbackAddresses(allowPrivate: webSubAllowPrivate))
        let webSub = WebSubHub(
            store: storage, feeds: feeds, transport: webSubTransport, addresses: webSubTransport.addresses,
            logger: logger)
        if webSubAllowPrivate {
            logger.warning("WebSub callbacks on loopback, private and link-local addresses are allowed")
        }
        let accessLog = noAccessLog || LogSetup.level > .info ? nil : AccessLog()
        let app = HubServer.application(
            store: storage, metrics: metrics, feeds: feeds, host: host, port: port, logger: logger, limits: limits,
            pageEvents: streams.pageEvents, longPolls: streams.longPolls, metricsOnPublicPort: metricsListener == nil,
            quota: WriteQuota(opsPerMinute: maxOpsPerMinute, racesPerDay: maxRacesPerDay), publicURL: publicURL,
            twitch: TwitchHooks(
                signIn: twitchClient?.signIn, eventSubSecret: eventSubSecret, streamLookup: twitchClient?.helix),
            webSub: webSub, accessLog: accessLog,
            onRunning: { port in
                if !explicitURL { feeds.baseURL = "http://\(host):\(port)" }
                logger.info(
                    "listening", metadata: ["address": "http://\(host):\(port)", "public_url": "\(feeds.baseURL)"])
                if let exporter {
                    exportNow.yield(FeedExportService(exporter: exporter, signal: storage.changeSignal, logger: logger))
                }
            })
        // The access log first: a service group stops its services last to first, so it writes
        // the last requests' lines after the server has stopped.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] =
            accessLog.map {
                log in [.init(service: JobService("access log") { await log.run() })]
            } ?? []
        services += [
            .init(service: app), .init(service: JobService("WebSub verification") { await webSub.runVerifications() }),
        ]
        if let metricsListener {
            let metricsApp = HubServer.metricsApplication(
                metrics: metrics, streams: streams, host: metricsListener.host, port: metricsListener.port,
                logger: logger,
                onRunning: { port in
                    logger.info(
                        "serving /metrics", metadata: ["address": "http://\(metricsListener.urlHost):\(port)/metrics"])
                })
            services.append(.init(service: metricsApp))
        }
        switch backend {
        case .sqlite:
            if exporter != nil { services.append(.init(service: DeferredService(exportStarts))) }
            if let twitchJobs { services.append(.init(service: JobService("Twitch jobs") { await twitchJobs.run() })) }
            services.append(.init(service: JobService("WebSub delivery") { await webSub.runDeliveries() }))
        #if PostgreSQL
            case .postgres(let store):
                // Other instances' writes wake this one's readers; the poller, the export and WebSub
                // deliveries run on one instance at a time.
                services.append(
                    .init(
                        service: JobService("change listener") {
                            await PostgresChangeListener(store: store, logger: logger).run()
                        }))
                let leadership = PostgresLeadership(store: store, retry: .seconds(min(pollInterval, 2)), logger: logger)
                services.append(
                    .init(
                        service: LeaderJobsService(
                            leadership: leadership, twitch: twitchJobs, webSub: webSub,
                            exportStarts: exporter == nil ? nil : exportStarts)))
        #endif
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // However the group ends (a port already taken ends it at once), the outbound HTTP
        // clients and the store are closed: a client dropped unclosed traps in a debug build.
        var ended: (any Error)?
        do { try await group.run() } catch { ended = error }
        twitchClient?.http.shutdown()
        webSubTransport.shutdown()
        backend.close()
        if let ended { throw ended }
        logger.info("stopped; store closed")
    }
}
