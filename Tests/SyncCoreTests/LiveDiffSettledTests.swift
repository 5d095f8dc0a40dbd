import Foundation
import SyncCore
import Testing

/// `LiveDiff.changes` with users Twitch pushed news about after the poll began: the poll's older
/// view of them is left out, whichever way it points.
@Suite struct LiveDiffSettledTests {
    @Test func settledUsersKeepWhatThePushSaid() {
        let (pushedLive, pushedOffline, polled) = (UUID(), UUID(), UUID())
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let stream = LiveStream(streamID: "s", title: "t", startedAt: at, observedAt: at)
        // The poll saw nobody live and the pushed-offline user live; the pushes are newer.
        let current = [pushedLive: stream, polled: stream]
        let seen = [pushedOffline: stream]
        let changes = LiveDiff.changes(
            current: current, seen: seen, observedAt: at, settled: [pushedLive, pushedOffline])
        #expect(changes == [LiveState(userID: polled, stream: nil)])
        // Without pushes, the poll is the truth for everyone.
        #expect(LiveDiff.changes(current: current, seen: seen, observedAt: at).count == 3)
    }
}
