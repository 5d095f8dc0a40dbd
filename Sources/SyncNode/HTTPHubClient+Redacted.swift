public import SyncCore
import SyncStore

extension HTTPHubClient: RedactedDescription {
    public var redactedDescription: String { "HTTPHubClient(base: \(base), token: [redacted])" }
}
