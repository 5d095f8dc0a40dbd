import Crypto
public import Foundation
import RaceService

/// The secret Twitch signs EventSub messages with: 10 to 100 ASCII characters, as Twitch requires.
public struct EventSubSecret: Sendable {
    let bytes: [UInt8]
    /// The secret itself (what Twitch is given when the hub subscribes).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Why a secret was refused.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// `text` (one trailing newline, as a file has it, is dropped), or `Invalid`.
    public init(_ text: String) throws(Invalid) {
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let bytes = Array(trimmed.utf8)
        guard (10...100).contains(bytes.count) else {
            throw Invalid(description: "the EventSub secret must be 10 to 100 characters (it has \(bytes.count))")
        }
        guard bytes.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw Invalid(description: "the EventSub secret must be printable ASCII without spaces")
        }
        self.bytes = bytes
    }
}

/// Twitch's EventSub message signature: `sha256=` + the hex HMAC-SHA256, keyed by the secret,
/// of the message id, the timestamp header and the raw body, concatenated.
public enum EventSubSignature {
    /// The signature header value Twitch sends for this message.
    public static func expected(secret: EventSubSecret, messageID: String, timestamp: String, body: Data) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret.bytes))
        hmac.update(data: Data(messageID.utf8))
        hmac.update(data: Data(timestamp.utf8))
        hmac.update(data: body)
        return "sha256=" + Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `header` is the message's signature, compared in constant time.
    public static func isValid(
        _ header: String?, secret: EventSubSecret, messageID: String, timestamp: String, body: Data
    ) -> Bool {
        guard let header else { return false }
        return Secrets.equal(header, expected(secret: secret, messageID: messageID, timestamp: timestamp, body: body))
    }
}
