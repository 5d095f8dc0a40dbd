public import Foundation

/// The last-writer-wins register of one (race, user) caster membership.
public struct CasterRegister: Hashable, Sendable {
    public var present: Bool
    public var hlc: HLC
    public var opID: UUID
    /// Who made the op that wrote the register (the caster, or the organizer for them); nil
    /// for registers written before RaceSync recorded it.
    public var changedBy: UUID?

    public init(present: Bool, hlc: HLC, opID: UUID, changedBy: UUID? = nil) {
        self.present = present
        self.hlc = hlc
        self.opID = opID
        self.changedBy = changedBy
    }

    /// The register `op`, made by `author`, writes.
    public static func written(by op: Op, author: UUID?) -> CasterRegister {
        CasterRegister(present: op.kind.present, hlc: op.hlc, opID: op.opID, changedBy: author)
    }

    /// The kind of op that wrote this register.
    public var kind: OpKind { present ? .join : .leave }

    /// Merges `op` (made by `author`) by LWW: the new register when the op's stamp is greater, else nil.
    public func merged(with op: Op, by author: UUID? = nil) -> CasterRegister? {
        op.hlc > hlc ? .written(by: op, author: author) : nil
    }

    /// Folds ops of one author onto an optional register by the LWW rule; order of `ops` does not matter.
    public static func fold(_ start: CasterRegister?, _ ops: some Sequence<Op>, by author: UUID? = nil)
        -> CasterRegister?
    {
        var register = start
        for op in ops {
            if let current = register {
                if let next = current.merged(with: op, by: author) { register = next }
            } else {
                register = .written(by: op, author: author)
            }
        }
        return register
    }
}
