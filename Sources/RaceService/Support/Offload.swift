import Foundation

/// Runs blocking store work (SQLite reads and writes, fsync, file copies) on threads of its
/// own, off Swift's cooperative thread pool: a slow disk never holds one of the few threads that
/// run every task of the process. The async face of the stores is built on it.
///
/// Two pools, so that the hub's store and replicas in the same process (tests, benchmarks)
/// never queue behind each other. A pool is a fixed set of threads taking work in order;
/// its threads start on first use.
public final class Offload: @unchecked Sendable {
    /// For the hub's store and the files the hub writes.
    public static let hub = Offload(name: "racesync.hub-store", threads: threadCount)
    /// For replicas (the node loop, its web pages, logins).
    public static let replica = Offload(name: "racesync.replica-store", threads: threadCount)

    /// Enough threads that fsyncs overlap; SQLite (WAL) serializes writers itself.
    static let threadCount = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)

    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var head = 0

    private init(name: String, threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// `body`'s result, computed on one of this pool's threads.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while head == queue.count { condition.wait() }
            let work = queue[head]
            head += 1
            if head > 1024, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            condition.unlock()
            work()
        }
    }
}
