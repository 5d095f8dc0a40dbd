public import Foundation

extension UUID {
    /// The UUID in its canonical 36-character text form (`8-4-4-4-12` hex digits, either case),
    /// or nil, read in one pass over the bytes: Foundation's parser calls `sscanf`, which showed in
    /// profiles of pushes and pulls (three UUIDs an op). It is stricter than `UUID(uuidString:)`,
    /// which through `sscanf` also takes a space or a sign where a digit should be; whatever this
    /// accepts, that accepts as the same UUID.
    public init?(text: String) {
        var text = text
        let parsed = text.withUTF8 { bytes -> uuid_t? in
            guard bytes.count == 36 else { return nil }
            var out = [UInt8](repeating: 0, count: 16)
            var index = 0
            for slot in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard bytes[index] == UInt8(ascii: "-") else { return nil }
                    index += 1
                }
                guard let high = Self.hexValue(bytes[index]), let low = Self.hexValue(bytes[index + 1]) else {
                    return nil
                }
                out[slot] = high << 4 | low
                index += 2
            }
            return out.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
