public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection to a port on 127.0.0.1, for tests that read what a server sends as
/// it comes (an event stream) or until it closes. Its calls block: run them off the cooperative
/// pool (`offThePool`).
public final class LoopbackConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects; a read waits at most `receiveTimeout` seconds.
    public init(port: Int, receiveTimeout: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    public func send(_ bytes: Data) {
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// What one read returns: empty when the server closed or the read timed out.
    public func readSome() -> Data {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = Glibc.read(fd, &buffer, buffer.count)
        return count > 0 ? Data(buffer[0..<count]) : Data()
    }

    /// Reads until `enough` holds for all that was read, or the server closes, or a read times out.
    public func read(until enough: (String) -> Bool = { _ in false }) -> String {
        var received = Data()
        while true {
            let piece = readSome()
            if piece.isEmpty { break }
            received.append(piece)
            if enough(String(decoding: received, as: UTF8.self)) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}

/// Runs blocking `body` on a thread of its own, so a blocking read never holds a thread of the
/// cooperative pool (two such reads would hold all of a 2-core machine's).
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}
