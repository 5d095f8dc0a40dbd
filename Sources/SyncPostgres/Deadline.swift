import RaceService
import Synchronization

/// Bounds how long a store call may wait on the database.
enum Deadline {
    /// Runs `body`, or throws `StoreUnavailable` when it has not finished within `limit`. The
    /// caller is answered at the deadline even when the body cannot stop at once (a pool lease
    /// waiting for a server that is away): the body is cancelled and ends on its own. Whoever
    /// answers first (the body, the deadline, the caller's cancellation) cancels the others, so
    /// a call that finishes early leaves no timer behind.
    static func run<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T
    {
        let answer = Answer<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                answer.set(continuation)
                let work = Task {
                    do { answer.resume(.success(try await body())) } catch { answer.resume(.failure(error)) }
                }
                let timer = Task {
                    guard (try? await Task.sleep(for: limit)) != nil else { return }  // cancelled: answered already
                    answer.resume(.failure(StoreUnavailable("no answer from the database within \(limit)")))
                }
                answer.track(work, timer)
            }
        } onCancel: {
            answer.resume(.failure(CancellationError()))
        }
    }
}

/// One answer for a caller, given once (by the work, the deadline or a cancellation).
private final class Answer<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var done = false
        /// The work and the timer, cancelled once the caller is answered.
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Keeps the caller's continuation; a caller cancelled before this is answered at once.
    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let cancelledAlready = state.withLock { state -> Bool in
            if state.done { return true }
            state.continuation = continuation
            return false
        }
        if cancelledAlready { continuation.resume(throwing: CancellationError()) }
    }

    /// The tasks to cancel once the caller is answered (at once, if it already is).
    func track(_ tasks: Task<Void, Never>...) {
        let answered = state.withLock { state -> Bool in
            if !state.done { state.tasks = tasks }
            return state.done
        }
        if answered { tasks.forEach { $0.cancel() } }
    }

    /// Answers the caller unless it was answered already, and cancels what is still running
    /// for it (cancelling the task that answers is harmless: it is finishing).
    func resume(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.done else { return (nil, []) }
            state.done = true
            defer {
                state.continuation = nil
                state.tasks = []
            }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }
}
