import Foundation
import NIOCore

/// An IP network (`10.0.0.0/8`, `::1/128`), for `--trusted-proxy`.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The address as 16 bytes (IPv4 as IPv4-mapped IPv6) and the prefix length over those bytes.
    let bytes: [UInt8]
    let prefix: Int
    public let description: String

    /// Parses `ADDRESS/PREFIX` or a single address; nil when it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let (bytes, isV4) = Self.parse(first) else { return nil }
        let width = isV4 ? 32 : 128
        var length = width
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...width).contains(given) else { return nil }
            length = given
        }
        self.bytes = bytes
        self.prefix = length + (isV4 ? 96 : 0)
        self.description = text
    }

    /// Whether `address` (an IP literal) is in this network.
    public func contains(_ address: String) -> Bool {
        guard let (other, _) = Self.parse(address) else { return false }
        var remaining = prefix
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != other[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// An IP literal as 16 bytes, and whether it was IPv4.
    static func parse(_ text: String) -> ([UInt8], Bool)? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return (Array(repeating: 0, count: 10) + [0xFF, 0xFF] + withUnsafeBytes(of: v4.s_addr) { Array($0) }, true)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return (withUnsafeBytes(of: v6) { Array($0) }, false) }
        return nil
    }
}

/// Who a request comes from, for per-client limits. The peer's address, unless the peer is a
/// trusted reverse proxy (`--trusted-proxy`): then the nearest address in `X-Forwarded-For`
/// that is not itself a trusted proxy. `X-Forwarded-For` from anyone else is ignored, so a
/// client cannot choose its own address.
public struct TrustedProxies: Sendable {
    public let networks: [IPNetwork]

    public init(_ networks: [IPNetwork] = []) { self.networks = networks }

    public func isTrusted(_ address: String) -> Bool { networks.contains { $0.contains(address) } }

    /// The client behind `peer`, given the request's `X-Forwarded-For` values (in order).
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard isTrusted(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard IPNetwork.parse(hop) != nil else { return client }
            client = hop
            if !isTrusted(hop) { return hop }
        }
        return client
    }

    /// The peer address of a channel as text ("unknown" for a Unix socket or a test channel).
    static func peer(_ address: SocketAddress?) -> String { address?.ipAddress ?? "unknown" }
}
