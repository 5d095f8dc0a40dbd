public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process of a test, started with `posix_spawn` and watched with `waitpid`.
///
/// The tests do not use Foundation's `Process`: on Linux it is not safe to start from several
/// threads at once, and Swift Testing runs tests in parallel. `Process` learns of a child's exit
/// from a socket whose other end only the child should hold, but that end stays open in the test
/// process until after the spawn, and a `Process` starting at the same moment on another thread
/// can inherit it (it closes only the descriptors that were open when it listed them). When that
/// other child lives long (a hub), the first one never exits as far as `Process` knows, and
/// `waitUntilExit()` never returns — seen hanging the whole suite on a 2-core CI machine, where
/// two such waits hold every thread of the cooperative pool.
///
/// Here the child closes every descriptor from 3 up as it starts (a file action run in the child,
/// so nothing opened meanwhile leaks), and the exit is read with `waitpid`, which needs no
/// descriptor at all. The child stays in the test's process group, so stopping the test run
/// (`scripts/watchdog`) stops its children too.
public final class ChildProcess: @unchecked Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let lock = NSLock()
    /// The raw wait status, once the child has been reaped.
    private var waitStatus: Int32?

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - environment: the child's environment; the test process's own when nil.
    ///   - directory: the child's working directory; the test process's own when nil.
    ///   - stdin: a file the child reads as its standard input.
    ///   - stdout: a file the child's standard output is appended to (created when missing).
    ///   - stderr: likewise for standard error (both go to one file, in order, when it is the
    ///     same path); the test process's own standard error when nil.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, stdin: String = "/dev/null", stdout: String = "/dev/null",
        stderr: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let append = O_WRONLY | O_CREAT | O_APPEND
        var failed = posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        failed |= posix_spawn_file_actions_addopen(&actions, 1, stdout, append, 0o644)
        if stderr == stdout {
            failed |= posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else if let stderr {
            failed |= posix_spawn_file_actions_addopen(&actions, 2, stderr, append, 0o644)
        }
        guard failed == 0, let closeFrom = GlibcSpawn.closeFrom, closeFrom(&actions, 3) == 0 else {
            throw ChildProcessError("cannot prepare the start of \(executable) (glibc 2.34 or newer is needed)")
        }
        if let directory {
            guard let changeDirectory = GlibcSpawn.changeDirectory, changeDirectory(&actions, directory) == 0 else {
                throw ChildProcessError("cannot start \(executable) in \(directory)")
            }
        }
        // The child starts with no signal blocked and every signal's default action, as from a
        // shell: the test process's threads block signals (SIGINT, SIGTERM, …) and a child would
        // inherit that, so a daemon it starts (pg_autoctl's services) could not be stopped.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = CStrings([executable] + arguments)
        var pid: pid_t = 0
        let result: Int32
        if let environment {
            let envp = CStrings(environment.map { "\($0.key)=\($0.value)" })
            result = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        } else {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, environ)
        }
        guard result == 0 else {
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { reap() == nil }

    /// The exit status once the child has exited: its exit code, or the number of the signal that
    /// ended it (as Foundation's `terminationStatus`); nil while it runs.
    public var exitStatus: Int32? {
        reap().map { status in status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f }
    }

    /// Sends `signal` to the child, unless it has already been reaped (its pid may be reused).
    public func send(_ signal: Int32) {
        lock.withLock { if waitStatus == nil { _ = kill(pid, signal) } }
    }

    /// Waits up to `timeout` seconds for the child to exit; its exit status, or nil if it still runs.
    @discardableResult
    public func wait(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline { usleep(2_000) }
        return exitStatus
    }

    /// Waits as long as it takes (for a short-lived child, or one that was just killed); returns
    /// at once when it exits.
    @discardableResult
    public func waitForExit() -> Int32 {
        if isRunning {
            // Blocks until the child has exited without reaping it, so `reap()` stays the only
            // place that does (a waiter on another thread gets the same status).
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        }
        return exitStatus ?? -1
    }

    /// Stops the child: SIGTERM, then SIGKILL when it has not exited within `grace` seconds.
    @discardableResult
    public func stop(grace: TimeInterval) -> Int32 {
        send(SIGTERM)
        if wait(timeout: grace) == nil { send(SIGKILL) }
        return waitForExit()
    }

    /// The raw wait status once the child is reaped (reaping it now when it has just exited).
    private func reap() -> Int32? {
        lock.withLock {
            if waitStatus == nil {
                var status: Int32 = 0
                var reaped: pid_t
                repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped == -1 && errno == EINTR
                if reaped == pid { waitStatus = status } else if reaped == -1 { waitStatus = -1 << 8 }
            }
            return waitStatus
        }
    }

    deinit {
        if isRunning {
            send(SIGKILL)
            waitForExit()
        }
    }
}

/// A process that could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// NUL-terminated copies of strings for `posix_spawn`, freed with the value.
private final class CStrings {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) { pointers = strings.map { strdup($0) } + [nil] }

    deinit { pointers.forEach { free($0) } }
}

/// glibc spawn file actions the Swift overlay does not export, looked up by name.
private enum GlibcSpawn {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+): close every descriptor from n up.
    static let closeFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+): change the child's directory.
    static let changeDirectory: ChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: ChangeDirectory.self) }

    static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
    }
}
