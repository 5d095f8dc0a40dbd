import Foundation

/// One server of a PostgreSQL URL: a TCP host (IPv6 without brackets) and port.
public struct PostgresServer: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with an IPv6 host in brackets.
    public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}

/// libpq's `target_session_attrs`: which server's session a client keeps among several.
public enum TargetSession: String, Sendable {
    case any
    case readWrite = "read-write"
    case readOnly = "read-only"
    case primary
    case standby
    case preferStandby = "prefer-standby"

    /// Whether the hub, which writes, can work through such a session.
    public var canWrite: Bool { self == .any || self == .readWrite || self == .primary }

    /// Whether a server in this state is acceptable (`prefer-standby` takes any; the caller
    /// prefers a standby first).
    public func accepts(inRecovery: Bool, readOnly: Bool) -> Bool {
        switch self {
        case .any, .preferStandby: return true
        case .readWrite: return !readOnly
        case .readOnly: return readOnly
        case .primary: return !inRecovery
        case .standby: return inRecovery
        }
    }
}

extension PostgresURL {
    /// Splits libpq's multi-host authority (`USER@h1:5432,[::1]:5433,h3/DB`) into its servers, and
    /// returns the URL with the first server alone (for the rest of the parsing). A URL with one
    /// host, or a socket folder, comes back unchanged with that host (or none).
    static func splitServers(_ text: String) throws(Invalid) -> (single: String, servers: [PostgresServer]) {
        guard let scheme = text.range(of: "://") else { return (text, []) }
        let rest = text[scheme.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<end]
        let at = authority.lastIndex(of: "@")
        let hostList = at.map { authority[authority.index(after: $0)...] } ?? authority
        guard !hostList.isEmpty else { return (text, []) }
        var servers: [PostgresServer] = []
        for entry in hostList.split(separator: ",", omittingEmptySubsequences: false) {
            servers.append(try server(entry))
        }
        guard servers.count <= 16 else { throw Invalid(description: "the PostgreSQL URL names more than 16 hosts") }
        let first = servers[0]
        let single =
            String(text[..<hostList.startIndex]) + first.description + String(text[end...])
        return (single, servers)
    }

    /// One `host[:port]` or `[ipv6][:port]` of a host list (port 5432 when absent).
    private static func server(_ entry: Substring) throws(Invalid) -> PostgresServer {
        var host: Substring
        var portText: Substring?
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else {
                throw Invalid(description: "the PostgreSQL URL's IPv6 host '\(entry)' lacks its closing ']'")
            }
            host = entry[entry.index(after: entry.startIndex)..<close]
            let after = entry[entry.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw Invalid(description: "the PostgreSQL URL's host '\(entry)' is not [IPv6]:PORT")
                }
                portText = after.dropFirst()
            }
        } else if let colon = entry.lastIndex(of: ":") {
            host = entry[..<colon]
            portText = entry[entry.index(after: colon)...]
        } else {
            host = entry
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains("@") else {
            throw Invalid(description: "the PostgreSQL URL names an empty or malformed host in its host list")
        }
        var port = 5432
        if let portText {
            guard portText.count <= 5, let value = Int(portText), (1...65535).contains(value) else {
                throw Invalid(description: "the PostgreSQL URL's port must be in 1...65535 (host '\(entry)')")
            }
            port = value
        }
        let decoded = host.removingPercentEncoding ?? String(host)
        return PostgresServer(host: decoded, port: port)
    }
}
