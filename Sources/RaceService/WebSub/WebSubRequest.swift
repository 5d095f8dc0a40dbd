public import Foundation
public import SyncCore

/// A subscriber's request to the hub's WebSub endpoint (`POST /websub`), checked: the mode,
/// which of the hub's feeds, where to verify and deliver, the lease asked for and the secret.
/// Pure: what the addresses of the callback's host are is the edge's business.
public struct WebSubRequest: Sendable, Equatable {
    public enum Mode: String, Sendable { case subscribe, unsubscribe }

    public var mode: Mode
    /// The topic URL exactly as sent, and the feed it names.
    public var topic: String
    public var scope: FeedScope
    public var format: FeedRenderer.Format
    public var callback: String
    /// The callback's host, lowercased, without IPv6 brackets.
    public var callbackHost: String
    /// `hub.lease_seconds` as asked (nil: not given), before the hub's bounds.
    public var requestedLease: Int64?
    public var secret: String?

    /// Checks the form's fields against the hub's feeds under `baseURL`; the error says what is
    /// wrong in words a subscriber's developer can act on.
    public static func parse(
        mode: String?, topic: String?, callback: String?, leaseSeconds: String?, secret: String?, baseURL: String
    ) -> Result<WebSubRequest, WebSubRequestError> {
        guard let mode, let parsedMode = Mode(rawValue: mode) else {
            return .failure(.init("hub.mode must be 'subscribe' or 'unsubscribe'"))
        }
        guard let topic, !topic.isEmpty else { return .failure(.init("hub.topic is required")) }
        guard let (scope, format) = WebSubTopic.feed(topic, baseURL: baseURL) else {
            return .failure(
                .init(
                    "hub.topic must be one of this hub's feeds, like \(WebSubTopic.url(.all, .atom, baseURL: baseURL))")
            )
        }
        guard let callback, !callback.isEmpty else { return .failure(.init("hub.callback is required")) }
        guard let host = callbackHost(callback) else {
            return .failure(
                .init(
                    "hub.callback must be an absolute http or https URL without credentials or fragment, at most \(WebSubPolicy.maxCallbackBytes) bytes"
                ))
        }
        var lease: Int64?
        if let text = leaseSeconds, !text.isEmpty {
            guard text.utf8.count <= 12, let value = Int64(text), value > 0 else {
                return .failure(.init("hub.lease_seconds must be a positive whole number of seconds"))
            }
            lease = value
        }
        let givenSecret = secret.flatMap { $0.isEmpty ? nil : $0 }
        if let givenSecret, givenSecret.utf8.count > WebSubPolicy.maxSecretBytes {
            return .failure(.init("hub.secret must be shorter than 200 bytes"))
        }
        return .success(
            WebSubRequest(
                mode: parsedMode, topic: topic, scope: scope, format: format, callback: callback,
                callbackHost: host, requestedLease: lease, secret: givenSecret))
    }

    /// The lowercased host of an acceptable callback URL; nil when the URL is not one.
    static func callbackHost(_ callback: String) -> String? {
        guard callback.utf8.count <= WebSubPolicy.maxCallbackBytes,
            !callback.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }),
            let components = URLComponents(string: callback),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            components.user == nil, components.password == nil, components.fragment == nil,
            var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : host
    }
}

/// Why the hub refused a WebSub request (answered `400` with this detail).
public struct WebSubRequestError: Error, Sendable, Equatable {
    public var detail: String
    public init(_ detail: String) { self.detail = detail }
}

/// The hub's feeds as WebSub topics: a topic is a feed's URL under the hub's public base.
public enum WebSubTopic {
    /// The URL of a feed.
    public static func url(_ scope: FeedScope, _ format: FeedRenderer.Format, baseURL: String) -> String {
        let race: UUID? = if case .race(let id) = scope { id } else { nil }
        return trimmed(baseURL) + HubPaths.liveFeed(race: race) + "." + format.rawValue
    }

    /// The feed a topic URL names; nil when it names none of the hub's feeds.
    public static func feed(_ topic: String, baseURL: String) -> (FeedScope, FeedRenderer.Format)? {
        let base = trimmed(baseURL)
        guard topic.hasPrefix(base) else { return nil }
        let path = topic.dropFirst(base.count)
        guard let dot = path.lastIndex(of: "."),
            let format = FeedRenderer.Format(rawValue: String(path[dot...].dropFirst()))
        else { return nil }
        let stem = path[..<dot]
        if stem == HubPaths.liveFeed(race: nil) { return (.all, format) }
        let prefix = "/feeds/races/"
        let suffix = "/live"
        guard stem.hasPrefix(prefix), stem.hasSuffix(suffix) else { return nil }
        let id = stem.dropFirst(prefix.count).dropLast(suffix.count)
        guard id.count == 36, let race = UUID(uuidString: String(id)), race.lowercased == id.lowercased() else {
            return nil
        }
        return (.race(race), format)
    }

    static func trimmed(_ baseURL: String) -> String {
        baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }
}
