import Foundation

/// A loopback TCP listener that answers with raw bytes, for clients facing peers no HTTP server
/// would be: one that hangs up, cuts a body short, or never answers.
public enum RawPeer {
    /// What the peer does with each connection.
    public enum Behaviour: Sendable {
        /// Reads the request, writes these bytes and closes (no bytes: closes without reading).
        case reply([UInt8])
        /// Reads the request and says nothing until the client closes the connection.
        case silent
    }

    /// Listens on a free port of 127.0.0.1 for `connections` connections, each handled as
    /// `behaviour`; returns the port. The listener closes after the last one.
    public static func serve(connections: Int, _ behaviour: Behaviour) -> Int {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(listener, raw, length)
                _ = listen(listener, 8)
                _ = getsockname(listener, raw, &length)
            }
        }
        let acceptor = Thread {
            defer { close(listener) }
            for _ in 0..<connections {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                var request = [UInt8](repeating: 0, count: 4096)
                switch behaviour {
                case .reply(let bytes):
                    if !bytes.isEmpty { _ = read(connection, &request, request.count) }
                    _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                case .silent:
                    while read(connection, &request, request.count) > 0 {}
                }
                close(connection)
            }
        }
        acceptor.start()
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// An HTTP/1.1 answer's bytes: the status line, `headers`, a `Content-Length` (the body's, or
    /// `declaredLength` to promise more than is sent) and the body.
    public static func answer(
        _ status: String, headers: [String] = [], body: [UInt8] = [], declaredLength: Int? = nil
    ) -> [UInt8] {
        let head =
            (["HTTP/1.1 \(status)", "Connection: close", "Content-Length: \(declaredLength ?? body.count)"] + headers)
            .joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + body
    }
}
