public import Foundation

/// The wire shapes of the device login (OAuth 2.0 Device Authorization Grant, RFC 8628, with
/// the hub as the authorization server): what `racecli login --device` asks for and receives.
public enum DeviceLogin {
    /// `POST /api/device/code` asks for a device code; `name` names the API token it ends in.
    public struct CodeRequest: Codable, Sendable, Equatable {
        public var name: String?

        public init(name: String?) { self.name = name }
    }

    /// The answer to `POST /api/device/code` (RFC 8628 §3.2).
    public struct CodeResponse: Codable, Sendable, Equatable {
        /// The secret the device polls with.
        public var deviceCode: String
        /// What the person types on the verification page (`XXXX-XXXX`).
        public var userCode: String
        public var verificationURI: String
        /// The verification page with the user code filled in.
        public var verificationURIComplete: String
        /// Seconds until the codes expire.
        public var expiresIn: Int
        /// Seconds the device waits between polls.
        public var interval: Int

        public init(
            deviceCode: String, userCode: String, verificationURI: String, verificationURIComplete: String,
            expiresIn: Int, interval: Int
        ) {
            self.deviceCode = deviceCode
            self.userCode = userCode
            self.verificationURI = verificationURI
            self.verificationURIComplete = verificationURIComplete
            self.expiresIn = expiresIn
            self.interval = interval
        }

        enum CodingKeys: String, CodingKey {
            case deviceCode = "device_code"
            case userCode = "user_code"
            case verificationURI = "verification_uri"
            case verificationURIComplete = "verification_uri_complete"
            case expiresIn = "expires_in"
            case interval
        }
    }

    /// `POST /api/device/token`: the device's poll.
    public struct TokenRequest: Codable, Sendable, Equatable {
        public var deviceCode: String

        public init(deviceCode: String) { self.deviceCode = deviceCode }

        enum CodingKeys: String, CodingKey { case deviceCode = "device_code" }
    }

    /// The token, once the person approved (RFC 6749 §5.1).
    public struct TokenResponse: Codable, Sendable, Equatable {
        public var accessToken: String
        public var tokenType: String

        public init(accessToken: String) {
            self.accessToken = accessToken
            tokenType = "bearer"
        }

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
        }
    }

    /// Why a poll got no token yet (RFC 8628 §3.5), sent as `400 {"error": …}`.
    public enum PollError: String, Codable, Sendable, Equatable, CaseIterable, Error {
        /// Not approved or denied yet: poll again after the interval.
        case authorizationPending = "authorization_pending"
        /// Polled too soon: wait 5 s longer from now on.
        case slowDown = "slow_down"
        /// The person denied it.
        case accessDenied = "access_denied"
        /// The codes expired (or were already used); start again.
        case expiredToken = "expired_token"
        /// No such device code.
        case invalidGrant = "invalid_grant"
    }

    /// The body of a poll's refusal.
    public struct ErrorResponse: Codable, Sendable, Equatable {
        public var error: PollError
        public var errorDescription: String?

        public init(error: PollError, errorDescription: String? = nil) {
            self.error = error
            self.errorDescription = errorDescription
        }

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }
}
