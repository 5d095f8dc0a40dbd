/// A value that holds a secret (an API token, a client secret) and must never print it: not in
/// logs that describe services (ServiceLifecycle logs its services at debug level), not in
/// errors, not in a debugger dump. Conforming types print `[redacted]` in place of the secret.
public protocol RedactedDescription: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The description with secrets left out.
    var redactedDescription: String { get }
}

extension RedactedDescription {
    public var description: String { redactedDescription }
    public var debugDescription: String { redactedDescription }
    public var customMirror: Mirror {
        Mirror(self, children: ["description": redactedDescription], displayStyle: .struct)
    }
}
