import Foundation
import SyncCore
import Testing

/// Time-ordered op ids (RFC 9562 version 7).
@Suite struct UUIDv7Tests {
    @Test func versionVariantAndTimeAreWhereTheRFCPutsThem() {
        let ms: Int64 = 1_790_000_000_123
        let id = UUIDv7.make(milliseconds: ms)
        let text = id.uuidString
        #expect(Array(text)[14] == "7")  // the version nibble
        #expect("89AB".contains(Array(text)[19]))  // variant 10xx
        #expect(UUIDv7.milliseconds(of: id) == ms)
        #expect(text.hasPrefix(String(format: "%08llX-%04llX", ms >> 16, ms & 0xFFFF)))
        #expect(UUIDv7.milliseconds(of: UUID(uuidString: "2F1B3E5C-8A4D-4B6E-9C7F-0A1B2C3D4E5F")!) == nil)
        // Out of range clamps instead of trapping.
        #expect(UUIDv7.milliseconds(of: UUIDv7.make(milliseconds: -5)) == 0)
        #expect(UUIDv7.milliseconds(of: UUIDv7.make(milliseconds: .max)) == 0xFFFF_FFFF_FFFF)
    }

    @Test func idsSortByTimeAndDoNotRepeat() {
        let base: Int64 = 1_790_000_000_000
        let ids = (0..<1000).map { UUIDv7.make(milliseconds: base + Int64($0)) }
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
        let same = (0..<1000).map { _ in UUIDv7.make(milliseconds: base) }
        #expect(Set(same).count == 1000)
    }

    @Test func opsGetTimeOrderedIdsFromTheirClock() {
        let hlc = HLC(wallMs: 1_790_000_000_456, counter: 3, node: "n")
        let op = Op(kind: .join, raceID: UUID(), userID: UUID(), hlc: hlc)
        #expect(UUIDv7.milliseconds(of: op.opID) == hlc.wallMs)
        let given = UUID()
        #expect(Op(opID: given, kind: .leave, raceID: UUID(), userID: UUID(), hlc: hlc).opID == given)
    }
}
