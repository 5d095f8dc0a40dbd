import Metrics
import Prometheus

/// Request counts and durations, recorded by Hummingbird's `MetricsMiddleware` through
/// swift-metrics into a Prometheus registry of the process (swift-metrics has one backend per
/// process; `syncd hub` runs one hub). Hummingbird's metric and label names are renamed to the
/// hub's: `racesync_http_requests_total{route, method, status}`,
/// `racesync_http_request_duration_seconds`, `racesync_http_active_requests`.
enum RequestMetrics {
    static let registry = PrometheusCollectorRegistry()

    /// Makes `registry` the swift-metrics backend, once per process (later calls do nothing).
    static func bootstrap() { _ = bootstrapped }

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { label, dimensions in
            (names[label] ?? label, dimensions.map { (labelNames[$0.0] ?? $0.0, $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }()

    private static let names = [
        "hb.requests": "racesync_http_requests_total",
        "hb.request.errors": "racesync_http_request_errors_total",
        "http.server.request.duration": "racesync_http_request_duration_seconds",
        "http.server.active_requests": "racesync_http_active_requests",
    ]
    private static let labelNames = [
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status",
    ]
}
