public import Foundation
import RaceService
public import SyncCore

/// One participant or caster as a page lists them: name, LIVE badge and stream, and the
/// viewer's own badges. Plain strings and flags, ready for a template.
public struct MemberRow: Sendable, Equatable {
    public var login: String
    /// The display name, else the login.
    public var name: String
    /// The login is shown beside a display name that differs from it.
    public var showLogin: Bool
    public var isLive: Bool
    public var streamURL: String?
    /// The member's Twitch channel (every member links to it).
    public var channelURL: String
    /// Their Twitch profile image, once Twitch told the hub.
    public var avatarURL: String?
    public var streamTitle: String?
    /// "live since 14:03 UTC".
    public var liveSince: String?
    /// The viewer is this member (the node's pages only).
    public var isYou: Bool
    /// The membership comes from a local op the hub has not confirmed yet (node only).
    public var pending: Bool
    /// The organizer's × that removes this member (hub only), its title ("Remove caster",
    /// "Remove participant") and its form token.
    public var removeAction: String?
    public var removeTitle: String?
    public var formToken: String?

    public init(_ member: Member, stream: LiveStream?, viewer: UUID?) {
        login = member.user.twitchUsername
        name = member.user.shownName
        showLogin = name.lowercased() != login
        isLive = member.isLive
        streamURL = member.isLive ? member.streamURL : nil
        channelURL = TwitchURL.stream(login: member.user.twitchUsername)
        avatarURL = member.user.avatarURL.flatMap(TwitchProfile.acceptedAvatar)
        streamTitle = member.isLive ? stream?.title : nil
        liveSince = member.isLive ? stream.map { "live since \(WebTime.clock($0.startedAt)) UTC" } : nil
        isYou = member.user.id == viewer
        pending = member.pending == true
        removeAction = nil
        removeTitle = nil
        formToken = nil
    }
}

/// Times as pages show them: UTC, to the minute or second.
public enum WebTime {
    /// "14:03".
    public static func clock(_ date: Date) -> String { String(Timestamp.format(date).dropFirst(11).prefix(5)) }
    /// "2026-11-26 14:03:20 UTC".
    public static func full(_ date: Date) -> String {
        let text = Timestamp.format(date)
        return "\(text.prefix(10)) \(text.dropFirst(11).prefix(8)) UTC"
    }
}
