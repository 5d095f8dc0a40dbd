import Foundation
public import RaceService
import SyncCore
import SyncStore

#if canImport(Glibc)
    import Glibc
#endif

/// The nudge from `racecli` to the `syncd node` that serves the same replica: after a local
/// write commits, `racecli` sends one datagram to a Unix socket beside the replica file, and
/// the daemon, listening there, pushes at once instead of at its next timer tick.
///
/// Best effort on both sides: no listener, a path too long for a socket, any error, and the
/// daemon's fallback timer picks the write up. The socket is created owner-only; a datagram
/// carries nothing but "look at the outbox".
public enum LocalWake {
    /// The socket path for a replica: `<replica>.wake/socket` (absolute), or in
    /// `$XDG_RUNTIME_DIR` when that is too long for a Unix socket; nil when neither fits. The
    /// socket sits in a folder of its own, created owner-only (0700) before the socket is bound,
    /// so no other user can reach it at any moment, and nothing is chmod'ed after the fact.
    public static func socketPath(forReplica replica: String) -> String? {
        let absolute = URL(fileURLWithPath: replica).standardizedFileURL.path
        let beside = absolute + ".wake/socket"
        if beside.utf8.count < maxPathBytes { return beside }
        guard let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty else { return nil }
        let hashed = runtime + "/racesync-" + String(absolute.stableHash, radix: 16) + ".wake/socket"
        return hashed.utf8.count < maxPathBytes ? hashed : nil
    }

    /// Creates the socket's folder owner-only, or accepts an existing one only if it is a real
    /// folder (not a link) of this user that nobody else may enter.
    static func ownerOnlyFolder(for socket: String) -> Bool {
        let folder = (socket as NSString).deletingLastPathComponent
        if mkdir(folder, 0o700) == 0 { return true }
        var info = stat()
        guard errno == EEXIST, lstat(folder, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFDIR && info.st_uid == getuid() && info.st_mode & 0o077 == 0
    }

    /// `sun_path` holds 108 bytes with the terminating NUL.
    static let maxPathBytes = 108

    /// Tells a listening daemon that the outbox has a new op. Never blocks, never fails.
    public static func poke(replica: String) {
        guard let path = socketPath(forReplica: replica) else { return }
        let fd = socket(
            AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = unixAddress(path)
        var byte: UInt8 = 1
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, &byte, 1, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(maxPathBytes - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }
}

/// The daemon's side of `LocalWake`: binds the replica's wake socket and notifies `signal`
/// for every datagram, from a small thread of its own (it blocks in `poll`, never on the
/// cooperative pool).
public final class LocalWakeListener: @unchecked Sendable {
    /// Notified once per datagram.
    public let signal = ChangeSignal()
    public let path: String
    private let fd: Int32
    private let stopped = NSLock()
    private var isStopped = false
    private var thread: Thread?

    /// Listens beside `replica`; nil when the socket cannot be made (the caller falls back to polling).
    public init?(replica: String) {
        guard let path = LocalWake.socketPath(forReplica: replica), LocalWake.ownerOnlyFolder(for: path) else {
            return nil
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        unlink(path)  // a socket left by a daemon that did not stop cleanly
        var address = LocalWake.unixAddress(path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        self.path = path
        self.fd = fd
        let thread = Thread { [self] in self.loop() }
        thread.name = "racesync-wake"
        self.thread = thread
        thread.start()
    }

    private var shouldStop: Bool {
        stopped.lock()
        defer { stopped.unlock() }
        return isStopped
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 16)
        while !shouldStop {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 200) > 0 else { continue }
            if recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 { signal.notify() }
        }
        close(fd)
    }

    /// Stops listening and removes the socket.
    public func stop() {
        stopped.lock()
        let first = !isStopped
        isStopped = true
        stopped.unlock()
        if first {
            unlink(path)
            rmdir((path as NSString).deletingLastPathComponent)
        }
    }

    deinit { stop() }
}

extension String {
    /// FNV-1a of the UTF-8 bytes: stable across runs (unlike `hashValue`).
    var stableHash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
