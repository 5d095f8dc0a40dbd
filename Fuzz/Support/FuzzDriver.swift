// The entry every fuzzer shares. SwiftPM links an executable's entry point as `<module>_main`;
// each fuzzer defines that symbol and hands control to libFuzzer's driver here.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

/// Runs libFuzzer with the process's arguments and `body` as the fuzz target.
public func runLibFuzzer(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, body)
}

/// Decodes the character references in `markup` whose names `entities` gives, code point by
/// code point, as an HTML or XML parser does (`String` operations would take `;` and a following
/// combining mark for one character and miss the reference). Stops the fuzzer when `markup`
/// holds a raw `<`: text must never carry markup.
public func decodeReferences(_ markup: String, _ entities: [String: Unicode.Scalar]) -> String {
    precondition(!markup.unicodeScalars.contains("<"), "markup inside text: \(markup.debugDescription)")
    var out = String.UnicodeScalarView()
    var scalars = Array(markup.unicodeScalars)[...]
    while let first = scalars.first {
        scalars = scalars.dropFirst()
        guard first == "&", let end = scalars.prefix(5).firstIndex(of: ";"),
            let decoded = entities[String(String.UnicodeScalarView(scalars[..<end]))]
        else {
            out.append(first)
            continue
        }
        out.append(decoded)
        scalars = scalars[(end + 1)...]
    }
    return String(out)
}
