import Foundation
public import Prometheus
import SyncCore

/// The hub's Prometheus metrics, on a registry of its own (no global bootstrap).
public final class HubMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let mergeDuration: DurationHistogram
    private let pullChanges: Counter
    private let feedsAnsweredEarly: Counter

    public init() {
        RequestMetrics.bootstrap()
        mergeDuration = registry.makeDurationHistogram(
            name: "racesync_merge_batch_duration_seconds",
            buckets: [
                .milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500),
                .seconds(2),
            ],
            help: "Time to merge one pushed batch, including the durable commit")
        pullChanges = registry.makeCounter(
            name: "racesync_pull_changes_total", help: "Change-log entries served by pull")
        feedsAnsweredEarly = registry.makeCounter(
            name: "racesync_feed_fast_answers_total",
            help: "Cached feed GETs and HEADs answered on the event loop, before the router")
    }

    func answeredFeedEarly() { feedsAnsweredEarly.increment() }

    func pushed(_ results: [OpResult], duration: Duration) {
        mergeDuration.record(duration)
        var counts: [OpStatus: Int64] = [:]
        for result in results { counts[result.status, default: 0] += 1 }
        for (status, count) in counts {
            registry.makeCounter(
                name: "racesync_push_ops_total", labels: [("result", status.rawValue)], help: "Pushed ops by result"
            ).increment(by: count)
        }
    }

    func pulled(_ count: Int) { pullChanges.increment(by: Int64(count)) }

    /// What is held open right now, recorded as the metrics are read.
    func held(pageStreams: Int, longPolls: Int) {
        registry.makeGauge(
            name: "racesync_page_streams_open", help: "Open event streams (pages, race JSON) and race WebSockets"
        )
        .set(Int64(pageStreams))
        registry.makeGauge(name: "racesync_long_polls_waiting", help: "Pulls waiting for changes").set(Int64(longPolls))
    }

    /// The registry, for metrics recorded by other parts of the hub (the Twitch poller).
    public var prometheus: PrometheusCollectorRegistry { registry }

    /// The Prometheus text exposition: this hub's metrics, then the process's request metrics.
    public func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        RequestMetrics.registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
