public import Foundation
public import HubHTTP
import Prometheus
public import SyncTwitch

/// The Twitch poller reports into the hub's `/metrics`.
extension HubMetrics: TwitchObserver {
    public func helixRequest(status: Int) {
        prometheus.makeCounter(
            name: "racesync_helix_requests_total", labels: [("status", String(status))],
            help: "Helix requests by status"
        ).increment()
    }

    public func tokenRenewed() {
        prometheus.makeCounter(name: "racesync_twitch_token_renewals_total", help: "Twitch app token renewals")
            .increment()
    }

    public func rateLimitRemaining(_ remaining: Int) {
        prometheus.makeGauge(
            name: "racesync_helix_ratelimit_remaining", help: "Ratelimit-Remaining of the last Helix answer"
        ).set(Double(remaining))
    }

    public func pollSucceeded(liveStreams: Int, at: Date) {
        prometheus.makeGauge(name: "racesync_live_streams", help: "Streams live after the last successful poll").set(
            Double(liveStreams))
        prometheus.makeGauge(
            name: "racesync_last_successful_poll_timestamp_seconds",
            help: "Unix time of the last successful Twitch poll"
        )
        .set(at.timeIntervalSince1970)
    }

    public func pollFailed() {
        prometheus.makeCounter(name: "racesync_twitch_poll_failures_total", help: "Twitch polls that failed")
            .increment()
    }
}
