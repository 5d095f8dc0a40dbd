import Foundation

/// The file beside a replica that holds the login URL of `syncd node --web` (`<replica>.web`),
/// for `racecli web`. It holds a secret: created owner-only from the first byte.
public enum NodeWebLoginFile {
    /// Where the login URL is kept for `racecli web`: `<replica>.web`.
    public static func path(forReplica replica: String) -> String { replica + ".web" }

    /// Writes `url` to the login file, created owner-only (0600) from the first byte and never
    /// through a link; an older file (a previous run's) is replaced.
    public static func write(_ url: String, replica: String) throws {
        let path = path(forReplica: replica)
        unlink(path)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array((url + "\n").utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else {
            throw Failure(path: path, reason: String(cString: strerror(errno)))
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "cannot write the login URL to \(path): \(reason)" }
    }

    /// The login URL of the node serving pages for `replica`, if one is.
    public static func read(replica: String) -> String? {
        guard let text = try? String(contentsOfFile: path(forReplica: replica), encoding: .utf8) else { return nil }
        let url = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return url.isEmpty ? nil : url
    }
}
