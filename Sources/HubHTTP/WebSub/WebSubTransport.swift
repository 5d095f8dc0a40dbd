public import AsyncHTTPClient
import Foundation
public import NIOCore

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

/// `WebSubTransport` over AsyncHTTPClient: every request's host is checked (`CallbackAddresses`)
/// just before it is sent, no redirect is followed, connecting takes at most 5 s and the whole
/// exchange 10 s, and only the first 4 KiB of an answer are read.
///
/// A plain-http callback is connected to the very address that was checked (its `Host` header
/// keeps the name), so a name that resolves differently a moment later (DNS rebinding) cannot
/// steer the request elsewhere. An https callback keeps its name for TLS; its certificate must
/// then match the name.
public final class WebSubHTTPTransport: WebSubTransport {
    public static let maxBodyBytes = 4096
    let client: HTTPClient
    public let addresses: CallbackAddresses
    let timeout: TimeAmount

    public init(addresses: CallbackAddresses, timeout: TimeAmount = .seconds(10)) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .seconds(5)
        configuration.timeout.read = timeout
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 4
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.addresses = addresses
        self.timeout = timeout
    }

    /// Closes the client's connections; call once, when the hub stops.
    public func shutdown() async throws { try await client.shutdown() }

    public func send(_ outbound: WebSubOutbound) async throws -> WebSubAnswer {
        guard let components = URLComponents(string: outbound.url), let rawHost = components.host else {
            throw CallbackAddresses.Refused(detail: "not a URL: \(outbound.url.prefix(80))")
        }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let checked = try await addresses.check(host: host)
        var url = outbound.url
        var pinnedHost: String?
        if components.scheme?.lowercased() == "http", !addresses.allowPrivate, let address = checked.first,
            address != host
        {
            var pinned = components
            pinned.host = address.contains(":") ? "[\(address)]" : address
            url = pinned.string ?? url
            pinnedHost = components.port.map { "\(rawHost):\($0)" } ?? rawHost
        }
        var request = HTTPClientRequest(url: url)
        request.method = outbound.method == .get ? .GET : .POST
        for (name, value) in outbound.headers { request.headers.add(name: name, value: value) }
        if let pinnedHost { request.headers.replaceOrAdd(name: "Host", value: pinnedHost) }
        if let body = outbound.body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: timeout)
        var collected = ByteBuffer()
        for try await chunk in response.body {
            var chunk = chunk
            let room = Self.maxBodyBytes - collected.readableBytes
            if let slice = chunk.readSlice(length: min(room, chunk.readableBytes)) {
                var slice = slice
                collected.writeBuffer(&slice)
            }
            if collected.readableBytes >= Self.maxBodyBytes { break }
        }
        return WebSubAnswer(status: Int(response.status.code), body: String(buffer: collected))
    }
}
