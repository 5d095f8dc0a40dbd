import Foundation
import SyncCore
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The one HTTP client of the hub and the node for their outbound calls (to the hub, to Twitch,
/// to WebSub subscribers): Foundation's URLSession, which on Linux is libcurl with the system's
/// TLS and certificate store. No cookies, no cache, no credential store; answers read up to
/// each request's limit; each exchange bounded by its deadline and cancelled with its task.
///
/// A failure with no answer is a `TransportFailure` (refused, timed out, closed, unresolvable);
/// an answer that breaks its limit is an `OutboundHTTPError`; a cancelled task gets
/// `CancellationError`.
public final class OutboundHTTPClient: Sendable {
    private let session: URLSession
    private let delegate: ExchangeDelegate

    /// - Parameters:
    ///   - followRedirects: false returns a 3xx answer as it is (WebSub never follows one).
    ///   - connectionsPerHost: how many connections to one host at most.
    public init(followRedirects: Bool = true, connectionsPerHost: Int = 8) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = connectionsPerHost
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "racesync.outbound-http"
        delegate = ExchangeDelegate(followRedirects: followRedirects)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    /// Sends `request` and collects its answer.
    public func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        try await exchange(request, file: nil)
    }

    /// Sends `request`; a `200` answer's body is streamed into a new file at `path` that only
    /// its owner reads (never whole in memory), and a body cut short leaves no file. Any other
    /// answer is returned with the start of its body, and no file.
    public func download(_ request: OutboundRequest, to path: String) async throws -> OutboundResponse {
        try await exchange(request, file: path)
    }

    /// Cancels what is in flight and releases the session; the client is unusable after.
    public func shutdown() { session.invalidateAndCancel() }

    // A session keeps its delegate (and libcurl's handles) until it is invalidated.
    deinit { session.finishTasksAndInvalidate() }

    private func exchange(_ request: OutboundRequest, file: String?) async throws -> OutboundResponse {
        guard let url = URL(string: request.url), url.host != nil else {
            throw TransportFailure.other("not a URL: \(request.url.prefix(80))")
        }
        try Task.checkCancellation()
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        // Clamped to a day, so no deadline can overflow Dispatch's nanoseconds.
        let asked = Double(request.timeout.components.seconds) + Double(request.timeout.components.attoseconds) / 1e18
        let seconds = min(max(asked, 0), 86_400)
        // libcurl's own timer is an idle one; the deadline below bounds the whole exchange.
        urlRequest.timeoutInterval = seconds + 1
        let task = session.dataTask(with: urlRequest)
        let exchange = Exchange(limit: request.bodyLimit, file: file)
        let running = RunningTask(task: task)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                exchange.continuation = continuation
                delegate.register(exchange, for: task.taskIdentifier)
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                    if exchange.expire() { running.cancel() }
                }
                task.resume()
            }
        } onCancel: {
            running.cancel()
        }
    }
}

/// A URLSession task handed to the deadline and the cancellation handler, which only cancel it.
private struct RunningTask: @unchecked Sendable {
    let task: URLSessionDataTask
    func cancel() { task.cancel() }
}
