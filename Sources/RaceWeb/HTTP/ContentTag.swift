/// A short tag of some bytes (64-bit FNV-1a, hex): names a version of an asset or of a
/// rendered page section, so an unchanged one is recognised. Not for security.
public enum ContentTag {
    public static func of<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func of(_ text: String) -> String { of(text.utf8) }
}
