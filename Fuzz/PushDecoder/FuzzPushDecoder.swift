import Foundation
import SyncCore

/// libFuzzer target: the body of `POST /api/sync/push`. Decoding is total; a refusal has a
/// message; an accepted body re-encodes to the same ops; the fast decoder agrees with JSONDecoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPushDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    // The hub's decoder without JSONDecoder accepts only what JSONDecoder accepts, the same.
    if let fast = PushRequestDecoder.decode(Array(body)) {
        let reference = try? WireJSON.decode(PushRequest.self, from: body)
        precondition(
            reference?.ops == fast.ops && reference?.nodeID == fast.nodeID, "the push decoders disagree")
    }
    do {
        let push = try WireJSON.decode(PushRequest.self, from: body)
        let again = try WireJSON.decode(PushRequest.self, from: try WireJSON.encode(push))
        precondition(again.ops == push.ops && again.nodeID == push.nodeID, "push does not round-trip")
        for op in push.ops {
            precondition((0...HLC.maxWallMs).contains(op.hlc.wallMs), "wall_ms out of range was accepted")
        }
    } catch {
        precondition(!WireJSON.describe(error).isEmpty, "a refusal without a reason")
    }
    return 0
}
