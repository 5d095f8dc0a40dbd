/// Why a network call got no answer, as a type rather than text: callers decide on the case
/// ("retry later") and people read the description ("connection refused").
public enum TransportFailure: Error, Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Nothing listens at the address.
    case refused
    /// No connection, or no answer, in time.
    case timedOut
    /// The peer closed the connection before answering.
    case closed
    /// The host name did not resolve.
    case unresolvable(host: String)
    /// Anything else, described.
    case other(String)

    public init(stringLiteral value: String) { self = .other(value) }

    public var description: String {
        switch self {
        case .refused: return "connection refused"
        case .timedOut: return "timed out"
        case .closed: return "the connection was closed"
        case .unresolvable(let host): return "cannot resolve \(host)"
        case .other(let text): return text
        }
    }
}
