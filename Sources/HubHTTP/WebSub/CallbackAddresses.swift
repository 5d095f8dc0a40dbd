import Foundation
import NIOPosix

/// Where the hub's outbound WebSub requests may go. A callback whose host resolves to a
/// loopback, private, link-local (or unspecified, multicast, reserved) address is refused, so a
/// subscriber cannot make the hub reach into its own machine or network (SSRF), unless the
/// operator allows private callbacks (`--websub-allow-private`).
public struct CallbackAddresses: Sendable {
    public let allowPrivate: Bool

    public init(allowPrivate: Bool) { self.allowPrivate = allowPrivate }

    /// Networks no callback may reach without `--websub-allow-private`. IPv4 networks also cover
    /// their IPv4-mapped IPv6 forms (`::ffff:127.0.0.1`).
    static let refused: [(IPNetwork, String)] = [
        ("0.0.0.0/8", "unspecified"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "private (shared)"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"), ("192.168.0.0/16", "private"), ("198.18.0.0/15", "reserved"),
        ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"), ("::/128", "unspecified"),
        ("::1/128", "loopback"), ("fc00::/7", "private"), ("fe80::/10", "link-local"), ("ff00::/8", "multicast"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    /// Why `address` (an IP literal) may not be called; nil when it may.
    public func refusal(_ address: String) -> String? {
        guard !allowPrivate else { return nil }
        guard IPNetwork.parse(address) != nil else { return "not an IP address" }
        return Self.refused.first { $0.0.contains(address) }.map { "\($0.1) address \(address)" }
    }

    /// The addresses of `host` (an IP literal is its own), checked: throws `Refused` when the
    /// host has none, or when any is refused (a host that also has a public address is no safer).
    public func check(host: String) async throws -> [String] {
        let addresses = IPNetwork.parse(host) != nil ? [host] : try await Self.resolve(host)
        guard !addresses.isEmpty else { throw Refused(detail: "hub.callback's host \(host) has no address") }
        for address in addresses {
            if let reason = refusal(address) {
                throw Refused(
                    detail:
                        "hub.callback's host \(host) is a \(reason); this hub calls only public addresses back")
            }
        }
        return addresses
    }

    /// A callback the hub will not call.
    public struct Refused: Error, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }

    /// The host's IPv4 and IPv6 addresses (getaddrinfo, on NIO's blocking-work pool).
    static func resolve(_ host: String) async throws -> [String] {
        guard host.utf8.count <= 253, !host.contains("\0") else { return [] }
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var node: UnsafeMutablePointer<addrinfo>? = first
            while let entry = node {
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                switch entry.pointee.ai_family {
                case AF_INET:
                    entry.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        var address = $0.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                    }
                case AF_INET6:
                    entry.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        var address = $0.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                    }
                default: break
                }
                let address = String(cString: text)
                if !address.isEmpty, !addresses.contains(address) { addresses.append(address) }
                node = entry.pointee.ai_next
            }
            return addresses
        }
    }
}
