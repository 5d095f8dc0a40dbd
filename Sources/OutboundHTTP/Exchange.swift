import Foundation
import SyncCore
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One request in flight: what its answer is collected into, and how it ends. Its body state is
/// touched only on the session's serial delegate queue; `state` settles the race between the
/// answer's end and the deadline.
final class Exchange: @unchecked Sendable {
    /// Running, finished, or stopped by its deadline.
    enum State: UInt8 { case running, finished, timedOut }

    let limit: OutboundRequest.BodyLimit
    /// A `200` answer's body goes to this new file instead of memory.
    let file: String?
    let state = Atomic<UInt8>(State.running.rawValue)
    var continuation: CheckedContinuation<OutboundResponse, any Error>?

    private var response: HTTPURLResponse?
    private var body = Data()
    private var collectLimit: OutboundRequest.BodyLimit
    private var handle: FileHandle?
    private var written = 0
    private var failure: (any Error)?
    private var truncated = false

    init(limit: OutboundRequest.BodyLimit, file: String?) {
        self.limit = limit
        self.file = file
        collectLimit = limit
    }

    /// Marks the exchange timed out unless it already ended; true when the deadline won.
    func expire() -> Bool {
        state.compareExchange(
            expected: State.running.rawValue, desired: State.timedOut.rawValue, ordering: .acquiringAndReleasing
        ).exchanged
    }

    /// The answer's head: a `200` of a download opens its file (other answers are read, briefly).
    func received(_ response: URLResponse) -> Bool {
        self.response = response as? HTTPURLResponse
        guard let file else { return true }
        guard self.response?.statusCode == 200 else {
            collectLimit = .truncate(bytes: 64 << 10)
            return true
        }
        guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: file)
        else {
            failure = OutboundHTTPError.cannotWrite(path: file)
            return false
        }
        self.handle = handle
        return true
    }

    /// A piece of the body; false when reading must stop (too long, or kept long enough).
    func received(_ data: Data) -> Bool {
        if let handle {
            written += data.count
            guard written <= limit.bytes else {
                failure = OutboundHTTPError.bodyTooLarge(limit: limit.bytes)
                return false
            }
            do { try handle.write(contentsOf: data) } catch {
                failure = OutboundHTTPError.cannotWrite(path: file ?? "")
                return false
            }
            return true
        }
        let room = collectLimit.bytes - body.count
        if data.count <= room {
            body.append(data)
            return true
        }
        body.append(data.prefix(room))
        switch collectLimit {
        case .fail(let bytes): failure = OutboundHTTPError.bodyTooLarge(limit: bytes)
        case .truncate: truncated = true
        }
        return false
    }

    /// The end of the exchange, whatever it was: resumes the caller once.
    func completed(error: (any Error)?, url: URL?) {
        try? handle?.close()
        let deadlinePassed = !state.compareExchange(
            expected: State.running.rawValue, desired: State.finished.rawValue, ordering: .acquiringAndReleasing
        ).exchanged
        let result: Result<OutboundResponse, any Error>
        if let response, truncated || (error == nil && failure == nil) {
            var headers: [String: String] = [:]
            for case (let name as String, let value as String) in response.allHeaderFields { headers[name] = value }
            result = .success(OutboundResponse(status: response.statusCode, headers: headers, body: body))
        } else if let failure {
            result = .failure(failure)
        } else if deadlinePassed {
            result = .failure(TransportFailure.timedOut)
        } else if let error = error as? URLError, error.code == .cancelled {
            result = .failure(CancellationError())
        } else {
            result = .failure(TransportFailure(classifying: error ?? URLError(.unknown), host: url?.host ?? ""))
        }
        if case .failure = result, handle != nil, let file { try? FileManager.default.removeItem(atPath: file) }
        // The deadline's timer holds this exchange until it fires: it must not hold the body too.
        body = Data()
        handle = nil
        continuation?.resume(with: result)
        continuation = nil
    }
}
