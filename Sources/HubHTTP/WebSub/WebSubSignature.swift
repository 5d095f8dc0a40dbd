import Crypto
public import Foundation
public import NIOCore

/// The signature of a WebSub delivery (WebSub §7.1): `sha256=` + the hex HMAC-SHA256 of the
/// body, keyed by the subscriber's `hub.secret`, sent as `X-Hub-Signature`.
public enum WebSubSignature {
    public static func header(secret: String, body: ByteBuffer) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(body.readableBytesView), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }
}
