public import Foundation
public import SyncCore

/// Why a device login ended without a token.
public enum DeviceLoginFailure: Error, CustomStringConvertible, Equatable {
    /// The person chose Deny on the website.
    case denied
    /// Nobody approved in time (or the codes were used or swept); start again.
    case expired

    public var description: String {
        switch self {
        case .denied: "the device login was denied on the website"
        case .expired: "the device login expired before anyone approved it; run the command again"
        }
    }
}

/// The device side of the device login (RFC 8628): asks the hub for codes, then polls at the
/// interval the hub sets (5 s longer after each `slow_down`) until the person approves or
/// denies, or the codes expire. No token is involved until the hub hands one over.
public struct DeviceLoginClient: Sendable {
    public var base: String { hub.base }
    /// The hub's address, without a token: no token is involved until the hub hands one over.
    private let hub: HTTPHubClient
    /// Waits between polls (replaced in tests).
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// Validates `base` as `HTTPHubClient` does.
    public init(base: String) throws {
        hub = try HTTPHubClient(base: base, token: "")
    }

    /// Asks for a device code and user code; the API token will be named `name`.
    public func start(name: String) async throws -> DeviceLogin.CodeResponse {
        let (status, data) = try await post(HubPaths.deviceCode, DeviceLogin.CodeRequest(name: name))
        guard status == 200 else { throw HTTPHubClient.refusal(status, data) }
        do { return try WireJSON.decode(DeviceLogin.CodeResponse.self, from: data) } catch {
            throw HubClientError.badResponse(WireJSON.describe(error))
        }
    }

    /// Polls until the hub hands over the token (returned), the person denies, or the codes
    /// expire (`DeviceLoginFailure`). A hub that does not answer one poll is polled again later,
    /// until the codes expire.
    public func token(for codes: DeviceLogin.CodeResponse) async throws -> String {
        var interval = Duration.seconds(max(1, codes.interval))
        let deadline = ContinuousClock.now + .seconds(codes.expiresIn)
        while ContinuousClock.now < deadline {
            try await sleep(interval)
            let status: Int
            let data: Data
            do {
                (status, data) = try await post(
                    HubPaths.deviceToken, DeviceLogin.TokenRequest(deviceCode: codes.deviceCode))
            } catch HubClientError.unreachable { continue }
            if status == 200 {
                do { return try WireJSON.decode(DeviceLogin.TokenResponse.self, from: data).accessToken } catch {
                    throw HubClientError.badResponse(WireJSON.describe(error))
                }
            }
            guard status == 400, let refusal = try? WireJSON.decode(DeviceLogin.ErrorResponse.self, from: data)
            else { throw HTTPHubClient.refusal(status, data) }
            switch refusal.error {
            case .authorizationPending: continue
            case .slowDown: interval += .seconds(5)
            case .accessDenied: throw DeviceLoginFailure.denied
            case .expiredToken, .invalidGrant: throw DeviceLoginFailure.expired
            }
        }
        throw DeviceLoginFailure.expired
    }

    private func post<Body: Encodable>(_ path: String, _ body: Body) async throws -> (Int, Data) {
        try await hub.exchange("POST", path, body: try WireJSON.encode(body), extraTime: .zero, limit: 64 << 10)
    }
}
