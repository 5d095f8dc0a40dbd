import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP/1.1 over plain sockets, for what a well-behaved client library will not send: bytes
/// that are not UTF-8, half-sent heads, hundreds of connections at once.
enum RawHTTP {
    /// Opens a TCP connection to 127.0.0.1:`port` from `source` (any 127.x.y.z is this
    /// machine on Linux, so one test can be several clients); returns the socket or -1.
    /// `receiveBuffer` shrinks the socket's receive buffer (a client that reads slowly).
    static func connect(port: Int, from source: String? = nil, receiveBuffer: Int32? = nil) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if bound != 0 {
                close(fd)
                return -1
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if ok != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// Writes all of `bytes`.
    @discardableResult
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBufferPointer {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// A request head with `headers` given as raw bytes (so they may be anything).
    static func request(_ method: String, _ path: String, headers: [[UInt8]] = [], close: Bool = true) -> [UInt8] {
        var out = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
        for header in headers { out += header + Array("\r\n".utf8) }
        if close { out += Array("Connection: close\r\n".utf8) }
        return out + Array("\r\n".utf8)
    }

    /// Reads from every socket until each is closed by the server or `timeout` passes.
    /// Returns, per socket, what was read and when the server closed it (nil: still open).
    static func readUntilClosed(_ fds: [Int32], timeout: TimeInterval) -> [(bytes: [UInt8], closedAfter: TimeInterval?)]
    {
        let start = Date()
        var results = fds.map { _ in (bytes: [UInt8](), closedAfter: TimeInterval?.none) }
        var open = Set(fds.indices)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty, Date().timeIntervalSince(start) < timeout {
            var polls = open.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
            let indices = Array(open)
            let ready = poll(&polls, nfds_t(polls.count), 100)
            guard ready > 0 else { continue }
            for (slot, index) in indices.enumerated() where polls[slot].revents != 0 {
                let n = recv(fds[index], &buffer, buffer.count, 0)
                if n > 0 {
                    results[index].bytes += buffer[0..<n]
                } else {
                    results[index].closedAfter = Date().timeIntervalSince(start)
                    open.remove(index)
                }
            }
        }
        return results
    }

    /// The status code of a raw response, or 0.
    static func status(_ bytes: [UInt8]) -> Int {
        let line = String(decoding: bytes.prefix(32), as: UTF8.self)
        let parts = line.split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
    }

    /// One request on a fresh connection; the status and the whole response.
    static func exchange(port: Int, _ request: [UInt8], timeout: TimeInterval = 30) -> (status: Int, bytes: [UInt8]) {
        let fd = connect(port: port)
        guard fd >= 0 else { return (0, []) }
        defer { close(fd) }
        send(fd, request)
        let reply = readUntilClosed([fd], timeout: timeout)[0].bytes
        return (status(reply), reply)
    }
}
