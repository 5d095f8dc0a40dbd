public import Foundation

/// The caster id of a (race, user) pair: a name-based UUID (version 5, SHA-1) of both ids,
/// so every node derives the same id without asking the hub, across leave and join.
public enum CasterID {
    static let namespace = UUID(uuidString: "6f1c2a4e-8d3b-5e7f-9a10-2b3c4d5e6f70")!

    /// The caster id of `user` in `race`.
    public static func of(race: UUID, user: UUID) -> UUID {
        NameBasedUUID.make(namespace: namespace, race.bytes + user.bytes)
    }
}

/// The member id of a participant, derived like `CasterID` under its own namespace.
public enum ParticipantID {
    static let namespace = UUID(uuidString: "0b7d3c52-41a9-5f64-8e2d-7c1a9b3e5d48")!

    /// The participant id of `user` in `race`.
    public static func of(race: UUID, user: UUID) -> UUID {
        NameBasedUUID.make(namespace: namespace, race.bytes + user.bytes)
    }
}

/// RFC 4122 version-5 UUIDs.
enum NameBasedUUID {
    static func make(namespace: UUID, _ name: [UInt8]) -> UUID {
        var digest = Array(SHA1.hash(namespace.bytes + name).prefix(16))
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        return UUID(bytes: digest)
    }
}

extension UUID {
    /// The 16 bytes of the UUID, most significant first.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: uuid) { Array($0) }
    }

    /// Builds a UUID from exactly 16 bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        self = bytes.withUnsafeBytes { raw in
            UUID(uuid: raw.loadUnaligned(as: uuid_t.self))
        }
    }

    /// The lowercase canonical text form used on the wire (built from the bytes directly:
    /// `uuidString.lowercased()` was a hot spot in bulk listings).
    public var lowercased: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var i = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[i] = UInt8(ascii: "-")
                        i += 1
                    }
                    out[i] = hex[Int(byte >> 4)]
                    out[i + 1] = hex[Int(byte & 0x0F)]
                    i += 2
                }
                return i
            }
        }
    }
}
