import Foundation
import HubHTTP
import Logging
import OutboundHTTP
import ServiceLifecycle
import SyncCore
import SyncStore
import SyncTwitch

/// Builds the live poller and "Log in with Twitch" when Twitch credentials are in the environment.
enum TwitchSetup {
    static func poller(
        store: any LiveStatusStore & TwitchProfileStore, metrics: HubMetrics, interval: Int, logger: Logger
    ) -> (poller: LivePoller, signIn: TwitchOAuthClient, helix: HelixClient, http: OutboundHTTPClient)? {
        guard let config = TwitchConfig.fromEnvironment() else {
            logger.info("Twitch polling off: TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET are not both set")
            return nil
        }
        let http = OutboundHTTPClient()
        let transport = OutboundTwitchTransport(client: http)
        let tokens = AppTokenProvider(config: config, transport: transport, observer: metrics)
        let helix = HelixClient(config: config, transport: transport, tokens: tokens, observer: metrics)
        logger.info("Twitch polling on", metadata: ["every": "\(interval)s", "api": "\(config.apiURL)"])
        let poller = LivePoller(
            store: store, helix: helix, interval: .seconds(interval), logger: logger, profiles: store,
            observer: metrics)
        return (poller, TwitchOAuthClient(config: config, transport: transport), helix, http)
    }
}

extension TwitchSetup {
    /// The poll, plus the EventSub subscriptions (reconciled at the poll's interval) when the hub
    /// has a secret and a public URL (Twitch needs somewhere to call back); covered broadcasters
    /// are then polled every 5 minutes.
    static func jobs(
        poller: LivePoller, helix: HelixClient, store: any LiveStatusStore & TwitchProfileStore,
        eventSubSecret: EventSubSecret?, publicURL: String?, interval: Int, logger: Logger
    ) -> TwitchJobs {
        guard let eventSubSecret, let publicURL else { return TwitchJobs(poller: poller, subscriptions: nil) }
        let coverage = EventSubCoverage()
        var poller = poller
        poller.coverage = coverage
        let callback = HubServer.eventSubCallback(publicURL)
        let manager = EventSubManager(
            helix: helix, targets: store, profiles: store, callback: callback, secret: eventSubSecret.text,
            coverage: coverage, interval: .seconds(interval), logger: logger)
        logger.info("EventSub subscriptions managed", metadata: ["callback": "\(callback)"])
        return TwitchJobs(poller: poller, subscriptions: manager)
    }
}
