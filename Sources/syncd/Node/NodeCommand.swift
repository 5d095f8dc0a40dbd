import ArgumentParser
import Foundation
import Logging
import NodeWeb
import RaceSyncCommand
import ServiceLifecycle
import SyncCore
import SyncNode
import SyncStore

/// `syncd node`: the replica daemon.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Keep a local replica in sync with the hub, pushing local writes and pulling hub changes.",
        discussion: """
            --hub/--token default to what 'racecli login' stored in the replica; the token may also
            come from the environment variable RACESYNC_TOKEN, which keeps it out of 'ps' and shell
            history (a token given with --token is visible to every user of the machine). While the hub is
            unreachable the node backs off (1 s doubling up to the interval, at most 60 s, with
            jitter) and keeps every local write. Stops cleanly on SIGINT/SIGTERM.
            --web 127.0.0.1:PORT also serves your race pages from the replica to a browser on this
            machine: who is live, Cast this race / Leave buttons that work offline, pending and rejected
            writes, and an offline notice. Loopback only; the token never reaches the browser.
            Example: syncd node --db ~/.local/share/racesync/replica.sqlite --interval 5 --web 127.0.0.1:8090
            """)

    @Option(help: "Replica file (default: $RACECLI_DB, else $XDG_DATA_HOME/racesync/replica.sqlite).")
    var db: String?
    @Option(help: "Hub base URL (default: the one 'racecli login' stored).")
    var hub: String?
    @Option(
        help:
            "API token (default: $RACESYNC_TOKEN, else the one 'racecli login' stored). Prefer the variable: options show in 'ps'."
    )
    var token: String?
    @Option(help: "Seconds between sync rounds.")
    var interval: Int = 5
    @Option(
        help: ArgumentHelp(
            "Also serve the race pages on this loopback address (port 0 picks a free one and logs it).",
            valueName: "host:port"))
    var web: String?

    func validate() throws {
        guard interval >= 1 else { throw ValidationError("--interval must be at least 1 second") }
        if let web { _ = try ListenAddress(web, flag: "--web", loopbackOnly: true) }
    }

    /// The token from `--token`, else from `RACESYNC_TOKEN`.
    var givenToken: String? {
        token
            ?? ProcessInfo.processInfo.environment["RACESYNC_TOKEN"].map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
    }

    func run() async throws {
        LogSetup.bootstrap()
        let logger = Logger(label: "racesync.node")
        let path = db ?? DefaultPaths.replicaDatabase()
        let store: ReplicaStore
        do {
            store = try ReplicaStore(path: path, create: hub != nil && givenToken != nil, checkWholeFile: true)
        } catch {
            throw CommandFailure.user("\(error)")
        }
        defer { try? store.close() }
        if let recovery = store.recovery {
            logger.notice("replica recovered after a crash: \(recovery)", metadata: ["db": "\(path)"])
        }
        let client = try await connect(store: store, logger: logger)
        logger.info("node started", metadata: ["db": "\(path)", "hub": "\(client.base)", "node_id": "\(store.nodeID)"])
        var loop = NodeLoop(store: store, hub: client, intervalSeconds: interval, logger: logger)
        // RACESYNC_NODE_WAKE=off keeps only the timer (for comparisons).
        let environment = ProcessInfo.processInfo.environment
        if environment["RACESYNC_NODE_WAKE"] != "off" { loop.wake = LocalWakeListener(replica: path) }
        // RACESYNC_NODE_OUTBOX_CHECK=S: how often the outbox is checked while the wake socket is in use.
        if let seconds = environment["RACESYNC_NODE_OUTBOX_CHECK"].flatMap(Int.init), (1...3600).contains(seconds) {
            loop.wokenOutboxPoll = .seconds(seconds)
        }
        defer { loop.wake?.stop() }
        logger.info(loop.wake.map { "listening for local writes at \($0.path)" } ?? "checking the outbox every 200 ms")
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: NodeService(loop: loop))]
        if let web {
            let address = try ListenAddress(web, flag: "--web", loopbackOnly: true)
            let wake = loop.wake
            let server = NodeWebServer(store: store, status: loop.status, onLocalWrite: { wake?.signal.notify() })
            let replicaPath = path
            services.append(
                .init(
                    service: server.application(host: address.host, port: address.port, logger: logger) { port in
                        // The login URL is the one secret these pages have: on stderr for the user who
                        // started the node (as Jupyter prints its token), and in a 0600 file for racecli web.
                        let login = "http://\(address.urlHost):\(port)/login?token=\(server.access.secret)"
                        do { try NodeWebLoginFile.write(login, replica: replicaPath) } catch {
                            logger.warning("\(error)")
                        }
                        logger.info("web pages at http://\(address.urlHost):\(port)/ (open \(login) to sign in)")
                    }))
            defer { unlink(NodeWebLoginFile.path(forReplica: replicaPath)) }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped; replica closed")
    }

    /// The hub client: the stored session, with `--hub` and the given token in its place where
    /// present; a hub or token other than the stored ones logs the replica in first.
    private func connect(store: ReplicaStore, logger: Logger) async throws -> HTTPHubClient {
        let session = try store.session()
        guard let hub = hub ?? session?.hub else {
            throw CommandFailure.user(
                "\(store.path) has no login: run 'racecli login --hub URL --token-stdin' or pass --hub with RACESYNC_TOKEN set"
            )
        }
        let sameHub = session.map { (try? HTTPHubClient(base: hub, token: "")).map(\.base) == $0.hub } ?? false
        guard let token = givenToken ?? (sameHub ? session?.token : nil) else {
            throw CommandFailure.user("no token for \(hub): set RACESYNC_TOKEN (or pass --token)")
        }
        let client: HTTPHubClient
        do { client = try HTTPHubClient(base: hub, token: token) } catch { throw ValidationError("\(error)") }
        if let session, session.hub == client.base, session.token == token { return client }
        var failures = 0
        while true {
            do {
                let user = try await client.me()
                _ = try await ReplicaLogin.run(
                    replicaPath: store.path, hub: client,
                    session: ReplicaSession(hub: client.base, token: token, user: user), open: { store })
                logger.info("logged in", metadata: ["user": "\(user.twitchUsername)"])
                return client
            } catch let error as HubClientError {
                if case .unreachable = error {
                    failures += 1
                    if failures == 1 { logger.warning("\(error); retrying with backoff") }
                    try await Task.sleep(
                        for: .milliseconds(Int64(Backoff().delay(failures: failures, unit: .random(in: 0...1)) * 1000)))
                    continue
                }
                throw CommandFailure.user(error.description)
            } catch let error as ReplicaStore.LoginError {
                throw CommandFailure.user(error.description)
            }
        }
    }
}

/// Runs the node loop as a ServiceLifecycle service, cancelled on graceful shutdown.
struct NodeService: Service, CustomStringConvertible {
    var description: String { "NodeService" }
    let loop: NodeLoop

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await loop.run()
        }
    }
}
