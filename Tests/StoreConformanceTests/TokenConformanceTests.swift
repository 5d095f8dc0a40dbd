import Foundation
import RaceService
import SyncCore
import Testing

/// API tokens on both backends: made (secret once, hash kept), listed without secrets, use
/// recorded at most hourly, revoked only by their owner.
@Suite struct TokenConformanceTests {
    @Test(arguments: Backend.allCases)
    func tokensAreMadeListedUsedAndRevokedByTheirOwnerOnly(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let (alice, first) = try await hub.addUser("alice")
        let bob = try await hub.user("bob")
        let store = hub.storage

        let listed = try await store.tokens(of: alice.id)
        #expect(listed.map(\.name) == [StoredToken.firstTokenName] && listed[0].lastUsedAtMs == nil)
        #expect(try await store.user(token: first) == alice)
        #expect(try await store.tokens(of: alice.id)[0].lastUsedAtMs == clock.now)

        clock.advance(60_000)
        let (made, secret) = try await store.createToken(for: alice.id, name: "  laptop\u{7}  ")
        #expect(made.name == "laptop" && APIToken.isWellFormed(secret) && secret != first)
        #expect(try await store.tokens(of: alice.id).map(\.name) == ["laptop", StoredToken.firstTokenName])
        #expect(try await store.user(token: secret) == alice)
        // Used again within the hour: nothing is written; after it, the use is recorded.
        let recorded = try await store.tokens(of: alice.id).first { $0.id == made.id }?.lastUsedAtMs
        clock.advance(30 * 60_000)
        _ = try await store.user(token: secret)
        #expect(try await store.tokens(of: alice.id).first { $0.id == made.id }?.lastUsedAtMs == recorded)
        clock.advance(31 * 60_000)
        _ = try await store.user(token: secret)
        #expect(try await store.tokens(of: alice.id).first { $0.id == made.id }?.lastUsedAtMs == clock.now)

        #expect(try await store.revokeToken(made.id, of: bob.id) == false)
        #expect(try await store.user(token: secret) == alice)
        #expect(try await store.revokeToken(made.id, of: alice.id) == true)
        #expect(try await store.user(token: secret) == nil)
        #expect(try await store.revokeToken(made.id, of: alice.id) == false)
        #expect(try await store.user(token: first) == alice)
    }
}
