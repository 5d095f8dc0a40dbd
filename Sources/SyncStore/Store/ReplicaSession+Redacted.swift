import RaceService
public import SyncCore

extension ReplicaSession: RedactedDescription {
    public var redactedDescription: String {
        "ReplicaSession(hub: \(hub), user: \(user.twitchUsername), token: [redacted])"
    }
}
