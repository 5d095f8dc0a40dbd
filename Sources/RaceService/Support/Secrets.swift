/// Comparing secrets (tokens, session ids, OAuth states) without a timing side channel.
public enum Secrets {
    /// Whether `given` equals `expected`, in time that depends on their lengths only.
    public static func equal(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let (left, right) = (Array(given.utf8), Array(expected.utf8))
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
