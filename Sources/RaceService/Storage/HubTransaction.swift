public import Foundation
public import SyncCore

/// A caster register's key: one (race, user) pair.
public typealias RegisterKey = MergeDecisions.Key

/// What a merge needs to know of its (race, user) pairs, read with one lookup per pair.
public struct PairFacts: Sendable {
    /// The pairs asked about (`joining`) that name a participant of their race.
    public var participants: Set<RegisterKey> = []
    /// The caster registers (present or not) of the pairs that have one.
    public var registers: [RegisterKey: CasterRegister] = [:]
    /// The pairs' users that exist.
    public var users: Set<UUID> = []

    public init(
        participants: Set<RegisterKey> = [], registers: [RegisterKey: CasterRegister] = [:], users: Set<UUID> = []
    ) {
        self.participants = participants
        self.registers = registers
        self.users = users
    }
}

/// An op's recorded answer and who pushed the op first.
public struct RecordedAnswer: Sendable, Equatable {
    public var answer: OpResult
    /// The op's author (nil for answers recorded before authors were).
    public var author: UUID?

    public init(answer: OpResult, author: UUID?) {
        self.answer = answer
        self.author = author
    }
}

/// One write transaction of a hub database, as the use cases (`Hub`) see it: facts by keys,
/// upserts and log appends, nothing else. Each backend implements it with SQL only; the rules,
/// the order of the steps and what gets logged live once, in `Hub`.
///
/// Everything a transaction does commits together or not at all, and its reads see its own
/// writes. Calls are made one after another, never concurrently.
public protocol HubTransaction: Sendable {
    // MARK: Facts by keys

    /// The race and who is in it (present casters only), or nil for an unknown race.
    func raceFacts(_ id: UUID) async throws -> RaceFacts?
    /// The races among `ids`, with their creation order.
    func races(_ ids: [UUID]) async throws -> [UUID: RaceState]
    /// The creation order the next race gets (one more than the largest so far).
    func nextRaceSeq() async throws -> Int64
    /// The caster registers of `keys`, which of their users exist, and which of the pairs in
    /// `joining` (only a join asks) name a participant of their race.
    func pairFacts(_ keys: [RegisterKey], joining: Set<RegisterKey>) async throws -> PairFacts
    /// The known users among `ids`.
    func users(_ ids: [UUID]) async throws -> [UUID: User]
    /// The user with this (lowercase) login, or nil.
    func user(login: String) async throws -> User?
    /// The recorded answers of the op ids among `ids`.
    func answers(_ ids: [UUID]) async throws -> [UUID: RecordedAnswer]
    /// Everyone's live status.
    func liveStatus() async throws -> [UUID: LiveStream]

    // MARK: Upserts

    func insertRace(_ race: RaceState) async throws
    /// Stores a race's status, seeds flag and update time.
    func updateRace(_ race: Race) async throws
    func insertParticipant(race: UUID, user: UUID) async throws
    func deleteParticipant(race: UUID, user: UUID) async throws
    /// Writes each register (insert or replace) and appends its caster change to the log, in
    /// order: what `appendLog` of the same changes would, in one call, so a backend can write
    /// each register row once with its log position.
    func writeRegisters(_ changes: [(key: RegisterKey, register: CasterRegister)]) async throws
    /// Records `answers` as `author`'s.
    func recordAnswers(_ answers: [OpResult], author: UUID) async throws
    /// Sets (stream) or clears (no stream) each user's live status, in order.
    func setLive(_ changes: [LiveState]) async throws
    /// Stores when the last successful Twitch poll ended.
    func setLastPoll(_ date: Date) async throws
    func insertUser(_ user: User, atMs: Int64) async throws
    /// Stores a user's new login and display name.
    func updateUser(_ user: User) async throws

    // MARK: Twitch accounts (not replicated)

    /// The user linked to this Twitch user id.
    func user(twitchID: String) async throws -> User?
    /// The Twitch user id `user` is linked to, if any.
    func twitchID(of user: UUID) async throws -> String?
    func linkTwitchID(_ twitchID: String, to user: UUID) async throws
    /// Among these (lowercase) logins of users, those whose Twitch profile was never asked, or
    /// last asked before `checkedBefore`.
    func loginsWithStaleProfiles(_ logins: [String], checkedBefore: Int64) async throws -> [String]
    /// Records that Twitch was asked about these logins at `atMs`.
    func markProfilesChecked(_ logins: [String], atMs: Int64) async throws

    // MARK: API tokens (stored as their SHA-256; not replicated)

    func insertToken(_ token: StoredToken, hash: Data) async throws
    /// Deletes `user`'s token `id`; false when there was none.
    func deleteToken(id: UUID, user: UUID) async throws -> Bool
    func recordTokenUse(hash: Data, atMs: Int64) async throws

    // MARK: Sessions (not replicated: never in the change log)

    func insertSession(hash: Data, user: UUID, atMs: Int64, expiresAtMs: Int64) async throws
    func extendSession(hash: Data, expiresAtMs: Int64) async throws
    func deleteSession(hash: Data) async throws
    /// Ends every session of `user`.
    func deleteSessions(of user: UUID) async throws
    /// Sweeps the sessions that ended before `nowMs`.
    func deleteSessions(endedBy nowMs: Int64) async throws

    // MARK: Device logins (RFC 8628; not replicated)

    /// Stores a new grant under its device code's hash.
    func insertDeviceGrant(_ grant: DeviceGrant, hash: Data) async throws
    func deviceGrant(hash: Data) async throws -> DeviceGrant?
    /// The grant with this user code, and its device code's hash.
    func deviceGrant(userCode: String) async throws -> (hash: Data, grant: DeviceGrant)?
    /// Stores a grant's state, decider, interval and last poll.
    func updateDeviceGrant(_ grant: DeviceGrant, hash: Data) async throws
    /// Deletes the grant; false when there was none (another poll used it up).
    func deleteDeviceGrant(hash: Data) async throws -> Bool
    /// Sweeps the grants that expired before `nowMs`.
    func deleteDeviceGrants(endedBy nowMs: Int64) async throws
    /// How many grants are stored.
    func deviceGrantCount() async throws -> Int

    // MARK: Twitch's pushes (EventSub; not replicated)

    /// Remembers a notification's message id; false when it was already remembered.
    func rememberEventMessage(_ id: String, atMs: Int64) async throws -> Bool
    /// Forgets the message ids remembered before `atMs`.
    func forgetEventMessages(before atMs: Int64) async throws
    /// When Twitch last pushed news about each user (the notification's time).
    func streamEventTimes() async throws -> [UUID: Int64]
    func setStreamEventTime(_ user: UUID, atMs: Int64) async throws

    // MARK: WebSub subscriptions to the hub's feeds (not replicated)

    /// Stores a verified subscription, replacing the one of the same topic and callback.
    func upsertWebSubSubscription(_ subscription: WebSubSubscription) async throws
    /// Every stored subscription, expired or not.
    func webSubSubscriptions() async throws -> [WebSubSubscription]
    /// The subscriptions of `topic`, of callbacks on `host`, and in all, not counting the one of
    /// `topic` and `callback` (a renewal replaces it).
    func webSubCounts(topic: String, host: String, except callback: String) async throws -> WebSubCounts
    /// Records how delivery to a subscription stands; false when it is gone.
    func updateWebSubDelivery(
        topic: String, callback: String, deliveredETag: String?, failures: Int, nextAttemptAtMs: Int64
    ) async throws -> Bool
    /// Deletes a subscription; false when there was none.
    func deleteWebSubSubscription(topic: String, callback: String) async throws -> Bool
    /// Sweeps the subscriptions whose lease ended by `nowMs`; how many went.
    func deleteWebSubSubscriptions(expiredBy nowMs: Int64) async throws -> Int

    // MARK: The change log

    /// Appends changes to the log, in order (a key appended again replaces its older row).
    /// `wakesReaders: false` says they change nothing a reader shows (a poll time alone):
    /// the commit then wakes no long-poll and leaves cached feeds valid.
    func appendLog(_ changes: [ChangeData], atMs: Int64, wakesReaders: Bool) async throws

    // MARK: The answer

    /// A race's detail as this transaction sees it (its own writes included).
    func raceDetail(_ id: UUID) async throws -> RaceDetail?
}

extension HubTransaction {
    /// Appends changes that readers see.
    public func appendLog(_ changes: [ChangeData], atMs: Int64) async throws {
        try await appendLog(changes, atMs: atMs, wakesReaders: true)
    }
}
