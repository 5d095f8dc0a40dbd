public import Foundation
public import SyncCore

/// The hub has too many device logins under way to start another now.
public struct TooManyDeviceLogins: Error, CustomStringConvertible {
    public var description: String { "too many device logins are under way; try again in a few minutes" }
}

extension Hub {
    /// Starts a device login for a device calling itself `clientName`: new codes, stored with
    /// the device code hashed. Grants that ended long ago are swept in the same transaction,
    /// and at most `DeviceGrant.maxOpen` exist at once.
    public func startDeviceLogin(clientName: String) async throws -> (deviceCode: String, grant: DeviceGrant) {
        let deviceCode = DeviceGrant.newDeviceCode()
        let name = StoredToken.cleanName(clientName)
        let now = backend.clock.now
        let grant = try await backend.transaction { tx in
            let at = now()
            try await tx.deleteDeviceGrants(endedBy: at - DeviceGrant.keptAfterEndMs)
            guard try await tx.deviceGrantCount() < DeviceGrant.maxOpen else { throw TooManyDeviceLogins() }
            var userCode = DeviceGrant.newUserCode()
            while try await tx.deviceGrant(userCode: userCode) != nil { userCode = DeviceGrant.newUserCode() }
            let grant = DeviceGrant(
                userCode: userCode, clientName: name, createdAtMs: at, expiresAtMs: at + DeviceGrant.lifetimeMs,
                intervalMs: DeviceGrant.intervalStepMs, lastPollAtMs: nil, state: .pending, decidedBy: nil)
            try await tx.insertDeviceGrant(grant, hash: DeviceGrant.hash(deviceCode))
            return grant
        }
        return (deviceCode, grant)
    }

    /// A device's poll: the API token once the person approved (the grant is then used up, so
    /// only one poll ever receives it), else why not (RFC 8628 §3.5).
    public func pollDeviceLogin(deviceCode: String) async throws -> Result<String, DeviceLogin.PollError> {
        guard DeviceGrant.isWellFormedDeviceCode(deviceCode) else { return .failure(.invalidGrant) }
        let hash = DeviceGrant.hash(deviceCode)
        let now = backend.clock.now
        return try await backend.transaction { tx in
            guard let grant = try await tx.deviceGrant(hash: hash) else { return .failure(.invalidGrant) }
            let at = now()
            let (next, refusal) = grant.polled(atMs: at)
            if let refusal {
                if next != grant { try await tx.updateDeviceGrant(next, hash: hash) }
                return .failure(refusal)
            }
            guard let user = grant.decidedBy, try await tx.deleteDeviceGrant(hash: hash) else {
                return .failure(.expiredToken)
            }
            let secret = APIToken.generate()
            let token = StoredToken(
                id: UUID(), userID: user, name: grant.clientName, createdAtMs: at, lastUsedAtMs: nil)
            try await tx.insertToken(token, hash: APIToken.hash(secret))
            return .success(secret)
        }
    }

    /// The device login a person typed `userCode` for, while it can still be decided; nil when
    /// there is none (unknown, expired, or already decided).
    public func openDeviceLogin(userCode: String) async throws -> DeviceGrant? {
        guard let code = DeviceGrant.normalizedUserCode(userCode) else { return nil }
        let now = backend.clock.now
        return try await backend.transaction { tx in
            guard let (_, grant) = try await tx.deviceGrant(userCode: code), grant.isOpen(atMs: now()) else {
                return nil
            }
            return grant
        }
    }

    /// `user` approves (or denies) the device login of `userCode`: the grant as decided, or nil
    /// when it can no longer be decided.
    @discardableResult
    public func decideDeviceLogin(userCode: String, user: UUID, approve: Bool) async throws -> DeviceGrant? {
        guard let code = DeviceGrant.normalizedUserCode(userCode) else { return nil }
        let now = backend.clock.now
        return try await backend.transaction { tx in
            guard let (hash, grant) = try await tx.deviceGrant(userCode: code), grant.isOpen(atMs: now()) else {
                return nil
            }
            var decided = grant
            decided.state = approve ? .approved : .denied
            decided.decidedBy = user
            try await tx.updateDeviceGrant(decided, hash: hash)
            return decided
        }
    }
}
