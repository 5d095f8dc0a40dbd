public import Foundation

/// A fresh temporary folder, removed by `cleanup()`.
public struct TempDir: Sendable {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "racesync-test-" + UUID().uuidString.prefix(8)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// A deterministic generator (SplitMix64) for reproducible random scenarios.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `bytes` after up to `edits` random edits, each a byte of `alphabet` inserted or put in
    /// place of one, or a byte dropped: the mutated inputs a parser's property tests feed it.
    public mutating func mutate(_ bytes: [UInt8], edits: ClosedRange<Int>, alphabet: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: edits, using: &self) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &self)
            let byte = alphabet.randomElement(using: &self)!
            switch Int.random(in: 0..<3, using: &self) {
            case 0: bytes.insert(byte, at: at)
            case 1: bytes.remove(at: at)
            default: bytes[at] = byte
            }
        }
        return bytes
    }
}
