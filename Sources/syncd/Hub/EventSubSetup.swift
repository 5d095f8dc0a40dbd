import Foundation
import HubHTTP
import Logging
import RaceSyncCommand

/// The EventSub secret from `--eventsub-secret-file` or `RACESYNC_EVENTSUB_SECRET`, checked; and
/// what the hub says at start about its webhook.
enum EventSubSetup {
    /// The secret, nil when none is configured; a usage error when it is unreadable or invalid.
    static func secret(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> EventSubSecret?
    {
        let text: String
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CommandFailure.usage("--eventsub-secret-file: cannot read \(file)")
            }
            text = String(decoding: data, as: UTF8.self)
        } else if let value = environment["RACESYNC_EVENTSUB_SECRET"], !value.isEmpty {
            text = value
        } else {
            return nil
        }
        do { return try EventSubSecret(text) } catch { throw CommandFailure.usage("\(error)") }
    }

    /// Logs where Twitch should send its pushes, and why it will not when the public URL is not
    /// https on port 443 (the only callbacks Twitch accepts).
    static func announce(secret: EventSubSecret?, publicURL: String?, logger: Logger) {
        guard secret != nil else {
            logger.info("EventSub off: no secret (RACESYNC_EVENTSUB_SECRET or --eventsub-secret-file); polling only")
            return
        }
        guard let publicURL, let url = URL(string: publicURL) else {
            logger.warning("EventSub webhook served, but without --public-url Twitch cannot be told where it is")
            return
        }
        let callback = HubServer.eventSubCallback(publicURL)
        if url.scheme?.lowercased() != "https" || (url.port ?? 443) != 443 {
            logger.warning(
                "EventSub webhook served, but Twitch accepts only https callbacks on port 443; behind such a proxy it works",
                metadata: ["callback": "\(callback)"])
        } else {
            logger.info("EventSub webhook on", metadata: ["callback": "\(callback)"])
        }
    }
}
