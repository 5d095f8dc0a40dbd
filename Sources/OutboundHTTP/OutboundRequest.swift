public import Foundation

/// One HTTP request the hub or a node sends out (to the hub, to Twitch, to a WebSub subscriber).
public struct OutboundRequest: Sendable {
    /// `GET`, `POST`, `DELETE`, …
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?
    /// The whole exchange, connecting included; no answer by then is `TransportFailure.timedOut`.
    public var timeout: Duration
    /// How much of the answer's body is kept, and what a longer one means.
    public var bodyLimit: BodyLimit

    /// What to do with an answer longer than its limit.
    public enum BodyLimit: Sendable {
        /// Fail with `OutboundHTTPError.bodyTooLarge`: the answer is useless cut short.
        case fail(bytes: Int)
        /// Keep the first `bytes` and stop reading (a subscriber's answer is only logged).
        case truncate(bytes: Int)

        var bytes: Int {
            switch self {
            case .fail(let bytes), .truncate(let bytes): return bytes
            }
        }
    }

    public init(
        method: String, url: String, headers: [(String, String)] = [], body: Data? = nil,
        timeout: Duration = .seconds(30), bodyLimit: BodyLimit = .fail(bytes: 16 << 20)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.bodyLimit = bodyLimit
    }
}

/// An HTTP answer: its status, its headers and the body as far as the request's limit allows.
public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// Why an exchange failed once an answer had started (no answer at all is a `TransportFailure`).
public enum OutboundHTTPError: Error, Equatable, CustomStringConvertible {
    /// The body was longer than the request's `.fail` limit.
    case bodyTooLarge(limit: Int)
    /// The file a streamed body goes to cannot be written.
    case cannotWrite(path: String)

    public var description: String {
        switch self {
        case .bodyTooLarge(let limit): return "the answer is larger than \(limit) bytes"
        case .cannotWrite(let path): return "cannot write \(path)"
        }
    }
}
