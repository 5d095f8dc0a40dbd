import Foundation
import TestSupport
import Testing

@testable import SyncCore

/// The wire's UUID text, both ways without Foundation's formatter and parser: `lowercased` is
/// Foundation's text in lower case, and `UUID(text:)` reads every canonical form as
/// `UUID(uuidString:)` does and accepts nothing it refuses (it refuses more: a space or a sign in
/// place of a digit, which Foundation's `sscanf` lets through).
@Suite struct UUIDTextTests {
    @Test func lowercasedMatchesFoundation() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.lowercased == id.uuidString.lowercased())
        }
    }

    @Test func readsTheCanonicalFormsAsFoundationDoesAndNothingFoundationRefuses() {
        var random = SeededGenerator(seed: 36)
        let alphabet = Array("0123456789abcdefABCDEFgG-{} \u{0}é".unicodeScalars)
        for round in 0..<20000 {
            let id = UUID()
            var text = Array(
                (round % 3 == 0 ? id.uuidString : round % 3 == 1 ? id.lowercased : id.uuidString.lowercased())
                    .unicodeScalars)
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let at = Int.random(in: 0...text.count - 1, using: &random)
                let scalar = alphabet.randomElement(using: &random)!
                switch Int.random(in: 0..<3, using: &random) {
                case 0: text.insert(scalar, at: at)
                case 1: text.remove(at: at)
                default: text[at] = scalar
                }
            }
            let string = String(String.UnicodeScalarView(text))
            let canonical =
                string.utf8.count == 36
                && string.utf8.enumerated().allSatisfy { index, byte in
                    [8, 13, 18, 23].contains(index)
                        ? byte == UInt8(ascii: "-") : (Character(Unicode.Scalar(byte)).isHexDigit && byte < 128)
                }
            if canonical {
                #expect(UUID(text: string) != nil && UUID(text: string) == UUID(uuidString: string), "\(string)")
            } else {
                #expect(UUID(text: string) == nil, "\(string.debugDescription)")
            }
        }
        for odd in ["", "{\(UUID().uuidString)}", UUID().uuidString.replacingOccurrences(of: "-", with: "")] {
            #expect(UUID(text: odd) == nil, "\(odd)")
        }
    }
}
