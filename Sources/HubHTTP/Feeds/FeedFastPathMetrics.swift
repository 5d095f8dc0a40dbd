import HTTPTypes
import Metrics
import SyncCore
import Synchronization

/// The request metrics of fast-path answers, under the labels the router's `MetricsMiddleware`
/// gives the same route (in the process's request metrics); each metric made once, on first use
/// (after the metrics system is set up), and found again by a key that hashes no text.
final class FeedFastPathMetrics: Sendable {
    static let shared = FeedFastPathMetrics()

    private struct Key: Hashable {
        var format: FeedRenderer.Format
        var isHead: Bool
        var notModified: Bool
    }
    private let made = Mutex<[Key: (Counter, Metrics.Timer)]>([:])

    func record(format: FeedRenderer.Format, isHead: Bool, notModified: Bool, elapsed: Duration) {
        let key = Key(format: format, isHead: isHead, notModified: notModified)
        let (counter, timer) = made.withLock { made in
            if let existing = made[key] { return existing }
            let method: HTTPRequest.Method = isHead ? .head : .get
            let status: HTTPResponse.Status = notModified ? .notModified : .ok
            let dimensions = [
                ("http.route", "/feeds/live." + format.rawValue), ("http.request.method", method.rawValue),
                ("http.response.status_code", String(status.code)),
            ]
            let metric = (
                Counter(label: "hb.requests", dimensions: dimensions),
                Metrics.Timer(
                    label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            )
            made[key] = metric
            return metric
        }
        counter.increment()
        timer.record(duration: elapsed)
    }
}
