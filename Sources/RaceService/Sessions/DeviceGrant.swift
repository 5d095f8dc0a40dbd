import Crypto
public import Foundation
public import SyncCore

/// A pending device login (RFC 8628): a device holds the secret device code and polls; a person
/// signed in on the website types the short user code and approves or denies. The store keeps
/// the device code's SHA-256 only, so a copy of the store cannot collect the token.
public struct DeviceGrant: Sendable, Equatable {
    /// Where the person's decision stands.
    public enum State: String, Sendable, Equatable {
        case pending, approved, denied
    }

    /// The user code, 8 letters without the dash (`BCDFGHJK`).
    public var userCode: String
    /// What the device calls itself; the API token it receives is named after it.
    public var clientName: String
    public var createdAtMs: Int64
    public var expiresAtMs: Int64
    /// How long the device must wait between polls (grows by 5 s on each `slow_down`).
    public var intervalMs: Int64
    public var lastPollAtMs: Int64?
    public var state: State
    /// Who approved or denied it.
    public var decidedBy: UUID?

    public init(
        userCode: String, clientName: String, createdAtMs: Int64, expiresAtMs: Int64, intervalMs: Int64,
        lastPollAtMs: Int64?, state: State, decidedBy: UUID?
    ) {
        self.userCode = userCode
        self.clientName = clientName
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.intervalMs = intervalMs
        self.lastPollAtMs = lastPollAtMs
        self.state = state
        self.decidedBy = decidedBy
    }

    /// How long the codes live.
    public static let lifetimeMs: Int64 = 10 * 60 * 1000
    /// The first polling interval, and what each `slow_down` adds (RFC 8628 §3.5).
    public static let intervalStepMs: Int64 = 5000
    /// Ended grants are kept this long, so a late poll hears `expired_token`, not `invalid_grant`.
    public static let keptAfterEndMs: Int64 = 60 * 60 * 1000
    /// At most this many grants exist at once (the rest are refused until some end).
    public static let maxOpen = 1000
    /// The letters of user codes: no vowels (no words), none easily mistaken for another (RFC 8628 §6.1).
    static let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ".utf8)

    /// A new random user code (20⁸ ≈ 2.6 × 10¹⁰ possibilities).
    public static func newUserCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<8).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }

    /// A new random device code (256 bits).
    public static func newDeviceCode() -> String { Base64URL.random(byteCount: 32) }

    /// The stored form of a device code.
    public static func hash(_ deviceCode: String) -> Data { Data(SHA256.hash(data: Data(deviceCode.utf8))) }

    /// Whether `text` has the shape of a device code (checked before any lookup).
    public static func isWellFormedDeviceCode(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy(Base64URL.isAlphabet)
    }

    /// A user code as typed (any case, with or without the dash or spaces) in its stored form,
    /// or nil when it cannot be one.
    public static func normalizedUserCode(_ typed: String) -> String? {
        let letters = typed.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard letters.count == 8, letters.allSatisfy(alphabet.contains) else { return nil }
        return String(decoding: letters, as: UTF8.self)
    }

    /// The user code as shown: `XXXX-XXXX`.
    public static func displayed(_ userCode: String) -> String {
        guard userCode.count == 8 else { return userCode }
        return String(userCode.prefix(4)) + "-" + String(userCode.suffix(4))
    }

    /// The state stored as `text` for the grant of `userCode`; a state RaceSync does not know is
    /// an error naming the row, never a silent default.
    public static func storedState(_ text: String, userCode: String) throws -> State {
        guard let state = State(rawValue: text) else {
            throw StoreRowError(
                table: "device_grants", key: userCode, reason: "state '\(text)' is not one RaceSync knows")
        }
        return state
    }

    /// Whether the person can still approve or deny it at `nowMs`.
    public func isOpen(atMs nowMs: Int64) -> Bool { state == .pending && nowMs < expiresAtMs }

    /// What a poll at `nowMs` gets: the grant as it is to be stored after the poll, and the
    /// answer (nil: the token, for an approved grant, which is then used up).
    public func polled(atMs nowMs: Int64) -> (grant: DeviceGrant, refusal: DeviceLogin.PollError?) {
        guard nowMs < expiresAtMs else { return (self, .expiredToken) }
        switch state {
        case .denied: return (self, .accessDenied)
        case .approved: return (self, nil)
        case .pending:
            var next = self
            next.lastPollAtMs = nowMs
            if let last = lastPollAtMs, nowMs - last < intervalMs {
                next.intervalMs += Self.intervalStepMs
                return (next, .slowDown)
            }
            return (next, .authorizationPending)
        }
    }
}
