/// The rules for text people type and others read: race names and display names.
///
/// Length is counted in Unicode code points (not grapheme clusters, which let one "character"
/// carry unbounded combining marks), and control characters are refused outright (they
/// vanish in storage, break logs and can drive other people's terminals).
public enum DisplayText {
    /// Why a text was refused.
    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(max: Int)
        case controlCharacter(UInt32)

        public var description: String {
            switch self {
            case .empty: return "must not be empty"
            case .tooLong(let max): return "must be at most \(max) characters (Unicode code points)"
            case .controlCharacter(let value):
                return
                    "must not contain control characters (found U+\(String(value, radix: 16, uppercase: true).leftPadded(to: 4)))"
            }
        }
    }

    /// U+0000–U+001F and U+007F–U+009F.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `raw` trimmed of surrounding spaces when it holds 1...`max` code points and no control
    /// character. Stops counting at the first code point past `max`, so a huge input costs little.
    public static func validated(_ raw: String, max: Int) -> Result<String, Invalid> {
        if let bad = raw.unicodeScalars.first(where: isControl) { return .failure(.controlCharacter(bad.value)) }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        var count = 0
        for _ in trimmed.unicodeScalars {
            count += 1
            if count > max { return .failure(.tooLong(max: max)) }
        }
        return count == 0 ? .failure(.empty) : .success(trimmed)
    }

    /// `text` with every control character replaced by U+FFFD, for printing to a terminal:
    /// no stored or streamed text can send escape sequences to someone's screen.
    /// `keepNewlines` leaves line feeds alone (for whole documents such as pretty JSON).
    public static func terminalSafe(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !(keepNewlines && $0 == "\n") }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(isControl(scalar) && !(keepNewlines && scalar == "\n") ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
