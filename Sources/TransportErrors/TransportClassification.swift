import AsyncHTTPClient
import Glibc
import NIOCore
import NIOPosix
public import SyncCore

extension TransportFailure {
    /// Classifies an AsyncHTTPClient or NIO error by its type and code, never by its text.
    public init(classifying error: any Error) {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout:
                self = .timedOut
            case .remoteConnectionClosed: self = .closed
            default: self = .other(String(describing: error))
            }
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                self = .unresolvable(host: error.host)
            } else if let first = error.connectionErrors.first {
                self = TransportFailure(classifying: first.error)
            } else {
                self = .other("cannot connect to \(error.host):\(error.port)")
            }
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            self = .refused
        case let error as IOError where error.errnoCode == ETIMEDOUT:
            self = .timedOut
        case let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE:
            self = .closed
        case let error as ChannelError:
            switch error {
            case .connectTimeout: self = .timedOut
            case .ioOnClosedChannel, .eof, .alreadyClosed, .outputClosed: self = .closed
            default: self = .other(String(describing: error))
            }
        default:
            self = .other(String(describing: error))
        }
    }
}
