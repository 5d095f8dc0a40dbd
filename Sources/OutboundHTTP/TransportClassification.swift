import Foundation
public import SyncCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension TransportFailure {
    /// Classifies a failed exchange by its error code (libcurl's, as URLSession reports it),
    /// never by its text. `host` names the host a name that did not resolve belongs to.
    public init(classifying error: any Error, host: String) {
        guard let error = error as? URLError else {
            self = .other(String(describing: error))
            return
        }
        switch error.code {
        case .cannotConnectToHost: self = .refused
        case .timedOut: self = .timedOut
        case .cannotFindHost, .dnsLookupFailed: self = .unresolvable(host: host)
        case .networkConnectionLost, .badServerResponse, .zeroByteResource: self = .closed
        default:
            let detail = (error.userInfo[NSLocalizedDescriptionKey] as? String) ?? "\(error.code)"
            self = .other(detail)
        }
    }
}
