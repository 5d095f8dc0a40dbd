import Foundation
import SyncCore
import SyncTwitch

/// libFuzzer target: what a Twitch endpoint (or anything a misconfigured URL points at) sends
/// back: a `/streams` page and the rate-limit header. Total, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHelixDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    if let page = try? HelixClient.decodePage(body) {
        for stream in page.data { _ = Timestamp.milliseconds(stream.startedAt) }
    }
    let header = String(decoding: body.prefix(64), as: UTF8.self)
    let wait = HelixClient.rateLimitWaitMs(reset: header, nowMs: 1_790_000_000_000)
    precondition(wait >= 0, "negative wait")
    return 0
}
