public import Foundation

/// Time-ordered UUIDs (version 7, RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits.
/// Op ids are minted this way from the op's HLC wall time, so the stores' op-id indexes grow at
/// their end instead of being written all over; any UUID is still accepted from clients.
public enum UUIDv7 {
    /// A new version 7 UUID for `milliseconds` since 1970 (clamped to 0 ... 2⁴⁸ − 1).
    public static func make(milliseconds: Int64) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: milliseconds, using: &generator)
    }

    public static func make<G: RandomNumberGenerator>(milliseconds: Int64, using generator: inout G) -> UUID {
        let time = UInt64(max(0, min(milliseconds, 0xFFFF_FFFF_FFFF)))
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: time >> (8 * UInt64(5 - index))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The milliseconds a version 7 UUID carries; nil for any other version.
    public static func milliseconds(of id: UUID) -> Int64? {
        let u = id.uuid
        guard u.6 >> 4 == 7, u.8 >> 6 == 0b10 else { return nil }
        let head = [u.0, u.1, u.2, u.3, u.4, u.5]
        return Int64(head.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
}
