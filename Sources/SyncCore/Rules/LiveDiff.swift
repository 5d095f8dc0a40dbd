public import Foundation

/// The live-status changes one successful poll implies, as a pure function.
///
/// After the poll, exactly the polled users Twitch reported live are live; everyone else
/// (not live any more, or no longer in an active race) is not. Only differences are returned,
/// so an unchanged stream writes nothing.
public enum LiveDiff {
    /// - Parameters:
    ///   - current: the live status stored now, by user.
    ///   - seen: the streams this poll found live, by user (only polled users; their
    ///     `observedAt` is not compared).
    ///   - observedAt: the poll's time, recorded on new entries.
    ///   - settled: users Twitch pushed news about (EventSub) after the poll began: the poll's
    ///     older view of them is left out, so a push and a poll never undo each other.
    public static func changes(
        current: [UUID: LiveStream], seen: [UUID: LiveStream], observedAt: Date, settled: Set<UUID> = []
    ) -> [LiveState] {
        var result: [LiveState] = []
        for (user, stream) in seen.sorted(by: { $0.key.uuidString < $1.key.uuidString }) where !settled.contains(user) {
            let before = current[user]
            if let before, before.streamID == stream.streamID, before.title == stream.title,
                before.startedAt == stream.startedAt
            {
                continue
            }
            result.append(
                LiveState(
                    userID: user,
                    stream: LiveStream(
                        streamID: stream.streamID, title: stream.title, startedAt: stream.startedAt,
                        observedAt: observedAt)))
        }
        for user in current.keys.sorted(by: { $0.uuidString < $1.uuidString })
        where seen[user] == nil && !settled.contains(user) {
            result.append(LiveState(userID: user, stream: nil))
        }
        return result
    }
}
