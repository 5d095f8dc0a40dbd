import Foundation

/// The last-writer-wins register of one (race, user) caster membership.
public struct CasterRegister: Hashable, Sendable {
    public var present: Bool
    public var hlc: HLC
    public var opID: UUID

    public init(present: Bool, hlc: HLC, opID: UUID) {
        self.present = present
        self.hlc = hlc
        self.opID = opID
    }

    /// Merges `op` by LWW: returns the new register when the op's stamp is greater, else nil.
    public func merged(with op: Op) -> CasterRegister? {
        op.hlc > hlc ? CasterRegister(present: op.kind.present, hlc: op.hlc, opID: op.opID) : nil
    }

    /// Folds ops onto an optional register by the LWW rule; order of `ops` does not matter.
    public static func fold(_ start: CasterRegister?, _ ops: some Sequence<Op>) -> CasterRegister? {
        var register = start
        for op in ops {
            if let current = register {
                if let next = current.merged(with: op) { register = next }
            } else {
                register = CasterRegister(present: op.kind.present, hlc: op.hlc, opID: op.opID)
            }
        }
        return register
    }
}
