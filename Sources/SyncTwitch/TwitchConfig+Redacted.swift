public import SyncCore

extension TwitchConfig: RedactedDescription {
    public var redactedDescription: String {
        "TwitchConfig(clientID: \(clientID), clientSecret: [redacted], api: \(apiURL), auth: \(authURL))"
    }
}
