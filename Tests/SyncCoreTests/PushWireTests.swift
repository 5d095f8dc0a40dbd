import Foundation
import TestSupport
import Testing

@testable import SyncCore

/// The push's wire forms without Foundation's coders: `PushRequestDecoder` reads a plain push as
/// `JSONDecoder` does and leaves everything else to it; a push's answer written by hand equals its
/// `Codable` form.
@Suite struct PushWireTests {
    static func push(_ random: inout SeededGenerator, ops count: Int) -> PushRequest {
        let nodes = ["node-1", "we\"ird\\node", "ünï", String(repeating: "n", count: 64)]
        let ops = (0..<count).map { index in
            Op(
                opID: UUID(), kind: Bool.random(using: &random) ? .join : .leave, raceID: UUID(), userID: UUID(),
                hlc: HLC(
                    wallMs: Int64.random(in: 0...HLC.maxWallMs, using: &random),
                    counter: UInt16.random(in: 0...UInt16.max, using: &random),
                    node: nodes[index % nodes.count]))
        }
        return PushRequest(nodeID: nodes.randomElement(using: &random)!, ops: ops)
    }

    @Test func aPlainPushIsReadAsJSONDecoderReadsIt() throws {
        var random = SeededGenerator(seed: 28)
        for count in [0, 1, 7, 1000] {
            let push = Self.push(&random, ops: count)
            for body in [try WireJSON.encode(push), try WireJSON.encode(push, pretty: true)] {
                let fast = try #require(PushRequestDecoder.decode(Array(body)))
                let reference = try WireJSON.decode(PushRequest.self, from: body)
                #expect(fast.nodeID == reference.nodeID && fast.ops == reference.ops)
            }
        }
        // Upper-case UUIDs, fields in another order, unknown fields, escapes: still plain.
        let text = #"""
            {"extra":[1,{"a":null}],"ops":[{"hlc":{"node":"n\u00e9","counter":0,"wall_ms":5},"user_id":"0B3E4C2A-1D2F-4A5B-8C6D-7E8F9A0B1C2D","race_id":"0b3e4c2a-1d2f-4a5b-8c6d-7e8f9a0b1c2e","kind":"caster.join","op_id":"0b3e4c2a-1d2f-4a5b-8c6d-7e8f9a0b1c2f"}],"node_id":"x\/y"}
            """#
        let fast = try #require(PushRequestDecoder.decode(Array(text.utf8)))
        let reference = try WireJSON.decode(PushRequest.self, from: Data(text.utf8))
        #expect(fast.nodeID == reference.nodeID && fast.ops == reference.ops && fast.nodeID == "x/y")
    }

    @Test func anythingUnusualIsLeftToJSONDecoder() {
        let op =
            #"{"op_id":"0b3e4c2a-1d2f-4a5b-8c6d-7e8f9a0b1c2f","kind":"caster.join","race_id":"0b3e4c2a-1d2f-4a5b-8c6d-7e8f9a0b1c2e","user_id":"0b3e4c2a-1d2f-4a5b-8c6d-7e8f9a0b1c2d","hlc":{"wall_ms":5,"counter":0,"node":"n"}}"#
        func body(_ op: String) -> [UInt8] { Array(#"{"node_id":"n","ops":[\#(op)]}"#.utf8) }
        #expect(PushRequestDecoder.decode(body(op)) != nil)
        for unusual in [
            op.replacingOccurrences(of: #""wall_ms":5"#, with: #""wall_ms":5.0"#),
            op.replacingOccurrences(of: #""wall_ms":5"#, with: #""wall_ms":5e0"#),
            op.replacingOccurrences(of: #""wall_ms":5"#, with: #""wall_ms":-1"#),
            op.replacingOccurrences(of: #""wall_ms":5"#, with: #""wall_ms":99999999999999999999"#),
            op.replacingOccurrences(of: #""counter":0"#, with: #""counter":65536"#),
            op.replacingOccurrences(of: #""node":"n""#, with: #""node":"""#),
            op.replacingOccurrences(of: #""kind":"caster.join""#, with: #""kind":"caster.JOIN""#),
            op.replacingOccurrences(of: #""kind":"caster.join""#, with: #""kind":"caster.join","kind":"caster.leave""#),
            op.replacingOccurrences(of: #""race_id":"0b3e"#, with: #""race_id":"zz3e"#),
            op.replacingOccurrences(of: #","user_id":"0b3e4c2a-1d2f-4a5b-8c6d-7e8f9a0b1c2d""#, with: ""),
            op.replacingOccurrences(of: #""node":"n""#, with: #""node":null"#),
        ] {
            #expect(PushRequestDecoder.decode(body(unusual)) == nil, "\(unusual)")
        }
        #expect(PushRequestDecoder.decode(Array(#"{"node_id":"n","ops":{}}"#.utf8)) == nil)
        #expect(PushRequestDecoder.decode(Array(#"["node_id"]"#.utf8)) == nil)
        #expect(PushRequestDecoder.decode(body(op) + [32, 0xff]) == nil)
        #expect(PushRequestDecoder.decode(Array(#"{"node_id":"\#u{1}","ops":[]}"#.utf8) + [0xc3]) == nil)
    }

    /// Mutated bodies: whatever the decoder accepts, JSONDecoder accepts the same.
    @Test func whatItAcceptsJSONDecoderAcceptsTheSame() throws {
        var random = SeededGenerator(seed: 2812)
        let bodies = try (0..<4).map { _ in Array(try WireJSON.encode(Self.push(&random, ops: 3))) }
        let alphabet = Array(#"{}[]:,"\ 0159.-eE"#.utf8) + [0x80, 0xc3, 0xff, 0x00]
        var accepted = 0
        for round in 0..<4000 {
            let bytes = random.mutate(bodies[round % bodies.count], edits: 1...3, alphabet: alphabet)
            guard let fast = PushRequestDecoder.decode(bytes) else { continue }
            accepted += 1
            let reference = try? WireJSON.decode(PushRequest.self, from: Data(bytes))
            #expect(
                reference?.nodeID == fast.nodeID && reference?.ops == fast.ops,
                "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 100)
    }

    @Test func aPushAnswerWrittenByHandEqualsItsCodableForm() throws {
        let user = User(
            id: UUID(), twitchUsername: "alice", twitchDisplayName: "Alice \"A\"", twitchUserID: "7", avatarURL: nil)
        let hlc = HLC(wallMs: 1_790_000_000_000, counter: 3, node: "hub")
        let response = PushResponse(
            results: [
                OpResult(opID: UUID(), status: .applied),
                OpResult(opID: UUID(), status: .duplicate),
                OpResult(opID: UUID(), status: .rejected, code: 409, detail: "the race is finished\n\"done\""),
                OpResult(opID: UUID(), status: .superseded, winner: OpWinner(hlc: hlc, user: user, kind: .leave)),
            ], hlc: hlc)
        let fast = try JSONSerialization.jsonObject(with: Data(response.fastJSON.utf8)) as? NSDictionary
        let codable = try JSONSerialization.jsonObject(with: try WireJSON.encode(response)) as? NSDictionary
        #expect(fast != nil && fast == codable)
        let decoded = try WireJSON.decode(PushResponse.self, from: Data(response.fastJSON.utf8))
        #expect(decoded.results == response.results && decoded.hlc == response.hlc)
        // The node reads it back without JSONDecoder, in either form.
        for body in [Data(response.fastJSON.utf8), try WireJSON.encode(response)] {
            let fast = try #require(PushResponse.fastDecode(Array(body)))
            #expect(fast.results == response.results && fast.hlc == response.hlc)
        }
        #expect(
            PushResponse.fastDecode(Array(response.fastJSON.replacingOccurrences(of: "409", with: "4.5").utf8)) == nil)
    }

    @Test func aPushWrittenByHandEqualsItsCodableForm() throws {
        var random = SeededGenerator(seed: 7)
        let push = Self.push(&random, ops: 20)
        let fast = try JSONSerialization.jsonObject(with: Data(push.fastJSON.utf8)) as? NSDictionary
        let codable = try JSONSerialization.jsonObject(with: try WireJSON.encode(push)) as? NSDictionary
        #expect(fast != nil && fast == codable)
    }

    /// Mutated answers: whatever the node's fast reading accepts, JSONDecoder reads the same.
    @Test func whatTheNodeAcceptsJSONDecoderReadsTheSame() throws {
        var random = SeededGenerator(seed: 99)
        let user = User(id: UUID(), twitchUsername: "bob", twitchDisplayName: nil, twitchUserID: nil, avatarURL: nil)
        let hlc = HLC(wallMs: 1_790_000_000_000, counter: 3, node: "hub")
        let body = Array(
            PushResponse(
                results: [
                    OpResult(opID: UUID(), status: .applied),
                    OpResult(opID: UUID(), status: .rejected, code: 403, detail: "no"),
                    OpResult(opID: UUID(), status: .superseded, winner: OpWinner(hlc: hlc, user: user, kind: .join)),
                ], hlc: hlc
            ).fastJSON.utf8)
        let alphabet = Array(#"{}[]:,"\ 0159.-eEnul"#.utf8) + [0x80, 0xff]
        var accepted = 0
        for _ in 0..<4000 {
            let bytes = random.mutate(body, edits: 1...2, alphabet: alphabet)
            guard let fast = PushResponse.fastDecode(bytes) else { continue }
            accepted += 1
            let reference = try? WireJSON.decode(PushResponse.self, from: Data(bytes))
            #expect(
                reference?.results == fast.results && reference?.hlc == fast.hlc,
                "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 100)
    }
}
