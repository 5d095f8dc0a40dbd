import Foundation
public import SyncCore

extension RuleViolation {
    /// The contract's status code for this violation: a REST answer's HTTP status and a push
    /// result's `code` are the same number, so both edges read it here.
    public var statusCode: Int {
        switch self {
        case .raceNotFound, .userNotFound, .notACaster, .casterNotFound, .participantNotFound: 404
        case .notOrganizer, .notYourOp: 403
        case .opIDTaken, .alreadyCaster, .isParticipant, .alreadyParticipant, .isCaster: 409
        case .raceNotActive, .stepNotAllowed, .clockAhead: 400
        }
    }

    /// The answer a push gives an op this violation refuses.
    func rejection(of opID: UUID) -> OpResult {
        OpResult(opID: opID, status: .rejected, code: statusCode, detail: reason)
    }
}
