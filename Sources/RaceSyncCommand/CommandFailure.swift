/// How a RaceSync command ends when it cannot do its work: the exit code (the one table both
/// `racecli` and `syncd` follow) and a message for standard error.
///
/// 0 ok; 1 a user error (unknown race, rule violated, refused token, unusable file); 2 a usage
/// error; 3 the hub unreachable (local state intact).
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public static func user(_ message: String) -> CommandFailure { CommandFailure(code: 1, message: message) }
    public static func usage(_ message: String) -> CommandFailure { CommandFailure(code: 2, message: message) }
    public static func unreachable(_ message: String) -> CommandFailure { CommandFailure(code: 3, message: message) }

    public var description: String { message }
}
