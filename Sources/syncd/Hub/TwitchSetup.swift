import AsyncHTTPClient
import Foundation
import HubHTTP
import Logging
import ServiceLifecycle
import SyncCore
import SyncStore
import SyncTwitch

/// Builds the live poller and "Log in with Twitch" when Twitch credentials are in the environment.
enum TwitchSetup {
    static func poller(
        store: any LiveStatusStore & TwitchProfileStore, metrics: HubMetrics, interval: Int, logger: Logger
    ) -> (poller: LivePoller, signIn: TwitchOAuthClient, helix: HelixClient, http: HTTPClient)? {
        guard let config = TwitchConfig.fromEnvironment() else {
            logger.info("Twitch polling off: TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET are not both set")
            return nil
        }
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.timeout.read = .seconds(15)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let transport = AsyncHTTPTwitchTransport(client: http)
        let tokens = AppTokenProvider(config: config, transport: transport, observer: metrics)
        let helix = HelixClient(config: config, transport: transport, tokens: tokens, observer: metrics)
        logger.info("Twitch polling on", metadata: ["every": "\(interval)s", "api": "\(config.apiURL)"])
        let poller = LivePoller(
            store: store, helix: helix, interval: .seconds(interval), logger: logger, profiles: store,
            observer: metrics)
        return (poller, TwitchOAuthClient(config: config, transport: transport), helix, http)
    }
}

/// The live poller as a ServiceLifecycle service, cancelled on graceful shutdown.
struct PollerService: Service, CustomStringConvertible {
    var description: String { "PollerService" }
    let poller: LivePoller

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await poller.run()
        }
    }
}
