import SyncCore
import Synchronization

/// Wakes long-polling readers when the hub's change log grows.
///
/// Readers take the `generation` before they look for changes and wait only if it has not
/// moved since, so a change between the look and the wait is never missed. Every wait ends
/// by its timeout at the latest, whatever order the timer, a notification, a cancellation and
/// the waiter's own registration happen in.
public final class ChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        /// Waiters that are between `wait`'s start and end.
        var live: Set<UInt64> = []
        /// Suspended waiters.
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Live waiters released (by timeout or cancellation) before they suspended.
        var released: Set<UInt64> = []
    }
    private let state = Mutex(State())

    public init() {}

    /// The current generation; it grows with every `notify()`.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// How many readers are waiting right now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Wakes every waiter.
    public func notify() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiting.forEach { $0.resume() }
    }

    /// Waits until the generation differs from `seen`, or `timeout` passes, or the task is cancelled.
    public func wait(since seen: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            state.live.insert(state.nextWaiter)
            return state.nextWaiter
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            release(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != seen || state.released.contains(id) { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            release(id)
        }
        timer.cancel()
        state.withLock { state in
            state.live.remove(id)
            state.released.remove(id)
        }
    }

    /// Ends one wait now: resumes it if suspended, or marks it so it does not suspend.
    private func release(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let continuation = state.waiters.removeValue(forKey: id) { return continuation }
            if state.live.contains(id) { state.released.insert(id) }
            return nil
        }
        continuation?.resume()
    }
}
