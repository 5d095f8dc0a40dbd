import Foundation
import RaceService
import SyncCore
import Testing

/// Web sessions on both backends: opened, found, extended while used, ended one by one or all
/// of a user's at once, and never found after they end.
@Suite struct SessionConformanceTests {
    @Test(arguments: Backend.allCases)
    func aSessionLivesThirtyDaysFromItsLastUseAndEnds(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let alice = try await hub.user("alice")
        let bob = try await hub.user("bob")
        let store = hub.storage

        let first = try await store.openSession(for: alice)
        #expect(WebSession.isWellFormed(first))
        #expect(try await store.signedIn(session: first)?.user == alice)
        // Only the hash is stored: a session id is not its hash, nor anything else's.
        #expect(try await store.signedIn(session: WebSession.newID()) == nil)
        #expect(try await store.signedIn(session: "not a session") == nil)

        // Used on day 20 (it would have ended on day 30) and on day 49: it lives until day 79,
        // and a moment later, unused, it has ended.
        clock.advance(20 * 24 * 3600 * 1000)
        #expect(try await store.signedIn(session: first)?.user == alice)
        clock.advance(29 * 24 * 3600 * 1000)
        #expect(try await store.signedIn(session: first)?.user == alice)
        clock.advance(30 * 24 * 3600 * 1000 + 1)
        #expect(try await store.signedIn(session: first) == nil)

        // Sign out ends one session; sign out everywhere ends every session of that user only.
        let phone = try await store.openSession(for: alice)
        let laptop = try await store.openSession(for: alice)
        let bobs = try await store.openSession(for: bob)
        try await store.closeSession(phone)
        #expect(try await store.signedIn(session: phone) == nil)
        #expect(try await store.signedIn(session: laptop)?.user == alice)
        try await store.closeSessions(of: alice.id)
        #expect(try await store.signedIn(session: laptop) == nil)
        #expect(try await store.signedIn(session: bobs)?.user == bob)
    }

    @Test func formTokensBelongToTheirSession() {
        let one = WebSession.newID()
        let other = WebSession.newID()
        #expect(one != other)
        #expect(WebSession.formTokenMatches(WebSession.formToken(for: one), session: one))
        #expect(!WebSession.formTokenMatches(WebSession.formToken(for: other), session: one))
        #expect(!WebSession.formTokenMatches(nil, session: one))
        #expect(!WebSession.formTokenMatches("", session: one))
    }
}
