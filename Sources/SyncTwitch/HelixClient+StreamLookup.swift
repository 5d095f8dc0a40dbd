public import Foundation
public import SyncCore

extension HelixClient: StreamLookup {
    /// One `GET /streams` for one login: its live stream, if any.
    public func liveStream(login: String, observedAt: Date) async throws -> LiveStream? {
        try await streams(logins: [login]).first.map { $0.liveStream(observedAt: observedAt) }
    }
}
