import Foundation
public import NIOCore
import OutboundHTTP

/// The hub's outbound WebSub requests (verifications of intent and deliveries): a request in,
/// the status and the start of the body out. The one seam between the WebSub hub and the network.
public protocol WebSubTransport: Sendable {
    func send(_ request: WebSubOutbound) async throws -> WebSubAnswer
}

/// An outbound request to a subscriber's callback.
public struct WebSubOutbound: Sendable {
    /// A verification of intent (`GET`) or a delivery (`POST`).
    public enum Method: Sendable { case get, post }

    public var method: Method
    public var url: String
    public var headers: [(String, String)]
    public var body: ByteBuffer?

    public init(method: Method, url: String, headers: [(String, String)] = [], body: ByteBuffer? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A subscriber's answer: its status, and at most `WebSubHTTPTransport.maxBodyBytes` of its body.
public struct WebSubAnswer: Sendable {
    public var status: Int
    public var body: String
}

/// `WebSubTransport` over the outbound HTTP client: every request's host is checked
/// (`CallbackAddresses`) just before it is sent, no redirect is followed, the whole exchange takes
/// at most 10 s, at most 4 connections go to one host, and only the first 4 KiB of an answer are
/// read.
///
/// A plain-http callback is connected to the very address that was checked (its `Host` header
/// keeps the name), so a name that resolves differently a moment later (DNS rebinding) cannot
/// steer the request elsewhere. An https callback keeps its name for TLS; its certificate must
/// then match the name.
public final class WebSubHTTPTransport: WebSubTransport {
    public static let maxBodyBytes = 4096
    let client: OutboundHTTPClient
    public let addresses: CallbackAddresses
    let timeout: Duration

    public init(addresses: CallbackAddresses, timeout: Duration = .seconds(10)) {
        client = OutboundHTTPClient(followRedirects: false, connectionsPerHost: 4)
        self.addresses = addresses
        self.timeout = timeout
    }

    /// Closes the client's connections; call once, when the hub stops.
    public func shutdown() { client.shutdown() }

    public func send(_ outbound: WebSubOutbound) async throws -> WebSubAnswer {
        guard let components = URLComponents(string: outbound.url), let rawHost = components.host else {
            throw CallbackAddresses.Refused(detail: "not a URL: \(outbound.url.prefix(80))")
        }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let checked = try await addresses.check(host: host)
        var request = OutboundRequest(
            method: outbound.method == .get ? "GET" : "POST", url: outbound.url, headers: outbound.headers,
            body: outbound.body.map { Data($0.readableBytesView) }, timeout: timeout,
            bodyLimit: .truncate(bytes: Self.maxBodyBytes))
        if components.scheme?.lowercased() == "http", !addresses.allowPrivate, let address = checked.first,
            address != host
        {
            var pinned = components
            pinned.host = address.contains(":") ? "[\(address)]" : address
            request.url = pinned.string ?? request.url
            request.headers.removeAll { $0.0.lowercased() == "host" }
            request.headers.append(("Host", components.port.map { "\(rawHost):\($0)" } ?? rawHost))
        }
        let response = try await client.send(request)
        return WebSubAnswer(status: response.status, body: String(decoding: response.body, as: UTF8.self))
    }
}
