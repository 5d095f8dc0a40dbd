import Synchronization
import SyncStore

/// Bounds how long a store call may wait on the database.
enum Deadline {
    /// Runs `body`, or throws `StoreUnavailable` when it has not finished within `limit`. The
    /// caller is answered at the deadline even when the body cannot stop at once (a pool lease
    /// waiting for a server that is away): the body is cancelled and ends on its own.
    static func run<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let answer = Answer<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                answer.set(continuation)
                let work = Task {
                    do { answer.resume(.success(try await body())) } catch { answer.resume(.failure(error)) }
                }
                answer.work = work
                Task {
                    try? await Task.sleep(for: limit)
                    if answer.resume(.failure(StoreUnavailable("no answer from the database within \(limit)"))) { work.cancel() }
                }
            }
        } onCancel: {
            answer.cancel()
        }
    }
}

/// One answer for a caller, given once (by the work, the deadline or a cancellation).
private final class Answer<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, done: Bool, work: Task<Void, Never>?)>((nil, false, nil))

    /// Keeps the caller's continuation; a caller cancelled before this is answered at once.
    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let cancelledAlready = state.withLock { state -> Bool in
            if state.done { return true }
            state.continuation = continuation
            return false
        }
        if cancelledAlready { continuation.resume(throwing: CancellationError()) }
    }

    /// The work to cancel when the caller is answered without it.
    var work: Task<Void, Never>? {
        get { state.withLock { $0.work } }
        set { state.withLock { $0.work = newValue } }
    }

    /// Resumes the caller unless it was answered already; true when this call answered.
    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard !state.done else { return nil }
            state.done = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
        return continuation != nil
    }

    func cancel() {
        let work = state.withLock { $0.work }
        if resume(.failure(CancellationError())) { work?.cancel() }
    }
}
