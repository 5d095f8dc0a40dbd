import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import SyncCore
import TransportErrors

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
    public let base: String
    /// Waits between polls (replaced in tests).
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// Validates `base` as `HTTPHubClient` does.
    public init(base: String) throws {
        self.base = try HTTPHubClient(base: base, token: "").base
    }

    /// Asks for a device code and user code; the API token will be named `name`.
    public func start(name: String) async throws -> DeviceLogin.CodeResponse {
        let (status, data) = try await post(HubPaths.deviceCode, DeviceLogin.CodeRequest(name: name))
        guard status == .ok else { throw HTTPHubClient.refusal(status, data) }
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
            let status: HTTPResponseStatus
            let data: Data
            do {
                (status, data) = try await post(
                    HubPaths.deviceToken, DeviceLogin.TokenRequest(deviceCode: codes.deviceCode))
            } catch HubClientError.unreachable { continue }
            if status == .ok {
                do { return try WireJSON.decode(DeviceLogin.TokenResponse.self, from: data).accessToken } catch {
                    throw HubClientError.badResponse(WireJSON.describe(error))
                }
            }
            guard status == .badRequest, let refusal = try? WireJSON.decode(DeviceLogin.ErrorResponse.self, from: data)
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

    private func post<Body: Encodable>(_ path: String, _ body: Body) async throws -> (HTTPResponseStatus, Data) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try WireJSON.encode(body)))
        do {
            let response = try await hubHTTPClient.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 64 << 10)
            return (response.status, Data(bytes.readableBytesView))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HubClientError.unreachable(TransportFailure(classifying: error))
        }
    }
}
