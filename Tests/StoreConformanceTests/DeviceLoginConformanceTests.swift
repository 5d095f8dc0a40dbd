import Foundation
import RaceService
import SyncCore
import Testing

/// The device login's grant (RFC 8628) on both backends: pending until a person decides, polled
/// too fast → slow_down with a longer interval, denied, expired, and approved exactly once.
@Suite struct DeviceLoginConformanceTests {
    @Test(arguments: Backend.allCases)
    func aGrantIsPendingThenApprovedOnceAndEndsInAToken(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let alice = try await hub.user("alice")
        let store = hub.storage

        let (deviceCode, grant) = try await store.startDeviceLogin(clientName: "racecli on laptop\u{7}")
        #expect(grant.clientName == "racecli on laptop" && grant.state == .pending)
        #expect(DeviceGrant.normalizedUserCode(DeviceGrant.displayed(grant.userCode)) == grant.userCode)
        #expect(try await store.pollDeviceLogin(deviceCode: deviceCode) == .failure(.authorizationPending))
        // Again at once: too fast; the interval grows by 5 s, so 6 s later is still too fast.
        #expect(try await store.pollDeviceLogin(deviceCode: deviceCode) == .failure(.slowDown))
        clock.advance(6000)
        #expect(try await store.pollDeviceLogin(deviceCode: deviceCode) == .failure(.slowDown))
        clock.advance(15_001)
        #expect(try await store.pollDeviceLogin(deviceCode: deviceCode) == .failure(.authorizationPending))

        // The person types the code in any case, with or without the dash.
        let typed = DeviceGrant.displayed(grant.userCode).lowercased()
        #expect(try await store.openDeviceLogin(userCode: typed)?.clientName == "racecli on laptop")
        #expect(try await store.decideDeviceLogin(userCode: typed, user: alice.id, approve: true)?.state == .approved)
        #expect(try await store.openDeviceLogin(userCode: typed) == nil)  // decided: not offered again
        #expect(try await store.decideDeviceLogin(userCode: typed, user: alice.id, approve: false) == nil)

        clock.advance(15_001)
        guard case .success(let secret) = try await store.pollDeviceLogin(deviceCode: deviceCode) else {
            Issue.record("an approved grant gives a token")
            return
        }
        #expect(try await store.user(token: secret) == alice)
        #expect(try await store.tokens(of: alice.id).contains { $0.name == "racecli on laptop" })
        // Used up: the next poll gets nothing.
        clock.advance(30_000)
        #expect(try await store.pollDeviceLogin(deviceCode: deviceCode) == .failure(.invalidGrant))
        #expect(try await store.pollDeviceLogin(deviceCode: "not a device code") == .failure(.invalidGrant))
    }

    @Test(arguments: Backend.allCases)
    func deniedAndExpiredGrantsGiveNoToken(_ backend: Backend) async throws {
        let clock = TestClock()
        guard let hub = try await TestHub.make(backend, clock: clock) else { return }
        defer { hub.close() }
        let alice = try await hub.user("alice")
        let store = hub.storage

        let denied = try await store.startDeviceLogin(clientName: "phone")
        #expect(
            try await store.decideDeviceLogin(userCode: denied.grant.userCode, user: alice.id, approve: false)?.state
                == .denied)
        #expect(try await store.pollDeviceLogin(deviceCode: denied.deviceCode) == .failure(.accessDenied))

        let late = try await store.startDeviceLogin(clientName: "tablet")
        clock.advance(DeviceGrant.lifetimeMs)
        #expect(try await store.openDeviceLogin(userCode: late.grant.userCode) == nil)
        #expect(try await store.decideDeviceLogin(userCode: late.grant.userCode, user: alice.id, approve: true) == nil)
        #expect(try await store.pollDeviceLogin(deviceCode: late.deviceCode) == .failure(.expiredToken))
        // Swept an hour after it ended, when the next login starts.
        clock.advance(DeviceGrant.keptAfterEndMs)
        _ = try await store.startDeviceLogin(clientName: "next")
        #expect(try await store.pollDeviceLogin(deviceCode: late.deviceCode) == .failure(.invalidGrant))
        #expect(try await store.tokens(of: alice.id).allSatisfy { $0.name == StoredToken.firstTokenName })
    }

    @Test func userCodesAreTypedLooselyAndShownWithADash() {
        #expect(DeviceGrant.normalizedUserCode("bcdf-ghjk") == "BCDFGHJK")
        #expect(DeviceGrant.normalizedUserCode(" BCDF GHJK ") == "BCDFGHJK")
        #expect(DeviceGrant.normalizedUserCode("BCDF-GHJA") == nil)  // no vowels in codes
        #expect(DeviceGrant.normalizedUserCode("BCDF-GHJ") == nil)
        #expect(DeviceGrant.normalizedUserCode("ＢCDF-GHJK") == nil)
        #expect(DeviceGrant.displayed("BCDFGHJK") == "BCDF-GHJK")
        let codes = Set((0..<200).map { _ in DeviceGrant.newUserCode() })
        #expect(codes.count > 195 && codes.allSatisfy { DeviceGrant.normalizedUserCode($0) == $0 })
    }
}
