import ArgumentParser
import Foundation

/// A `HOST:PORT` a listener binds to, from the command line (`--web`, `--metrics-address`). With
/// `loopbackOnly` the host must be an IP literal (IPv4, or IPv6 in brackets) in 127.0.0.0/8 or
/// `::1`: a name is resolved by whoever controls its DNS, and a prefix test on text would let
/// `127.evil.example` pass for loopback.
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    /// Parses `text`; with `loopbackOnly`, only 127.0.0.0/8 and ::1 are accepted.
    init(_ text: String, flag: String, loopbackOnly: Bool = false) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("\(flag) must be HOST:PORT with an IP address, like 127.0.0.1:8090 or [::1]:8090")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(flag) must be HOST:PORT, like 127.0.0.1:9090") }
        let loopback = Self.isLoopback(ipLiteral: host)
        if loopbackOnly, loopback == nil {
            throw ValidationError(
                "\(flag) takes an IP address, not the name '\(host)' (for example 127.0.0.1 or [::1])")
        }
        if loopbackOnly, loopback != true {
            throw ValidationError(
                "\(flag) serves your caster controls, so it listens only on loopback (127.0.0.1 or [::1]), not '\(host)'"
            )
        }
        self.host = host
        self.port = port
    }

    /// Whether `host` is a loopback address; nil when it is not an IP literal at all.
    static func isLoopback(ipLiteral host: String) -> Bool? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return host == "::1" || withUnsafeBytes(of: v6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
        }
        return nil
    }

    /// The host as it appears in a URL.
    var urlHost: String { host.contains(":") ? "[\(host)]" : host }
}
