import Foundation
import RaceService
import Synchronization
import Testing

@testable import SyncCore
@testable import SyncStore

/// The long-poll wake-up: no waiter is ever left behind, whatever order its timer, a
/// notification, a cancellation and its own registration happen in.
@Suite struct ChangeSignalTests {
    /// Runs `body` and says whether it finished within `seconds` (a hang fails the test
    /// instead of hanging the suite).
    static func finishes(within seconds: Double, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        let done = Atomic<Bool>(false)
        Task {
            await body()
            done.store(true, ordering: .releasing)
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if done.load(ordering: .acquiring) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return done.load(ordering: .acquiring)
    }

    @Test func tinyTimeoutsNeverStrandAWaiter() async {
        let signal = ChangeSignal()
        let ok = await Self.finishes(within: 60) {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<4000 {
                    group.addTask {
                        await signal.wait(since: signal.generation, timeout: i % 2 == 0 ? .zero : .nanoseconds(1))
                    }
                }
            }
        }
        #expect(ok)
        #expect(signal.waiting == 0)
    }

    @Test func notificationsRacingRegistrationWakeEveryone() async {
        let signal = ChangeSignal()
        let ok = await Self.finishes(within: 60) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<2000 {
                    let seen = signal.generation
                    group.addTask { await signal.wait(since: seen, timeout: .seconds(60)) }
                    group.addTask { signal.notify() }
                }
            }
        }
        #expect(ok)
    }

    @Test func cancellationEndsAWait() async {
        let signal = ChangeSignal()
        let waiter = Task { await signal.wait(since: signal.generation, timeout: .seconds(3600)) }
        while signal.waiting == 0 { await Task.yield() }  // suspended, not merely started
        waiter.cancel()
        // Only the cancellation can end this wait: its timeout is an hour away, and nothing
        // notifies. The guard turns a wait that ignores it into a failure, not a stuck suite.
        #expect(await Self.finishes(within: 300) { await waiter.value })
        #expect(signal.waiting == 0)
        #expect(signal.generation == 0)
    }

    @Test func aWaitEndsByItsTimeout() async {
        let signal = ChangeSignal()
        let started = ContinuousClock.now
        await signal.wait(since: signal.generation, timeout: .milliseconds(50))
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }
}
