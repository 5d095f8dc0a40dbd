import Foundation
import RaceWeb
import SyncCore

/// libFuzzer target: every parser of header and query text a client controls, and the pull
/// page decoder a node runs on what a hub sends. Each must be
/// total (no trap on any input) and must round-trip what it accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let date = Timestamp.parseHTTPDate(text) {
        let again = Timestamp.parseHTTPDate(Timestamp.rfc1123(date))
        precondition(again == date, "HTTP date does not round-trip: \(text.debugDescription)")
    }
    if let date = Timestamp.parse(text) {
        let ms = Timestamp.milliseconds(date)
        precondition(
            Timestamp.parse(Timestamp.format(milliseconds: ms)).map(Timestamp.milliseconds) == ms,
            "RFC 3339 round trip: \(text.debugDescription)")
    }
    if let cursor = PullCursor(text) { precondition(PullCursor(cursor.text) == cursor, "pull cursor round trip") }
    if let cursor = RaceListCursor(text) {
        precondition(RaceListCursor(cursor.text) == cursor, "race list cursor round trip")
    }
    _ = ConditionalRequest.notModified(
        ifNoneMatch: text, ifModifiedSince: nil, etag: "\"0123abcd\"", lastModified: Date())
    _ = ConditionalRequest.notModified(
        ifNoneMatch: nil, ifModifiedSince: text, etag: "\"0123abcd\"", lastModified: Date())
    if case .success(let name) = Race.validatedName(text) {
        precondition(
            !name.unicodeScalars.contains(where: DisplayText.isControl) && name.unicodeScalars.count <= 200, "name rule"
        )
    }
    precondition(
        !DisplayText.terminalSafe(text).unicodeScalars.contains(where: DisplayText.isControl), "terminal-safe text")
    if let login = try? TwitchLogin(text) { precondition(login.value == text.lowercased(), "login") }
    _ = ContentCoding.acceptsGzip(text)
    // The feed fast path's head parser: a head it recognizes ends in CRLF CRLF within its limit and
    // is recognized alone the same; bytes it wants more of are shorter than the limit.
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    switch FeedRequestHead.parse(raw) {
    case .feed(let head):
        precondition(head.length <= size && head.length <= FeedRequestHead.maxLength, "head length")
        precondition(Array(raw[(head.length - 4)..<head.length]) == [13, 10, 13, 10], "head end")
        precondition(FeedRequestHead.parse(UnsafeRawBufferPointer(rebasing: raw[0..<head.length])) == .feed(head))
    case .incomplete:
        precondition(size < FeedRequestHead.maxLength, "incomplete past the limit")
    case .other:
        break
    }
    // The pull page decoder and its JSON parser: total, and what they accept JSONDecoder reads the same.
    if let page = try? PullPageDecoder.decode(Data(UnsafeBufferPointer(start: data, count: size))),
        let reference = try? WireJSON.decode(PullPage.self, from: Data(UnsafeBufferPointer(start: data, count: size)))
    {
        precondition(
            page.changes == reference.changes && page.cursor == reference.cursor, "pull page decoders disagree")
    }
    return 0
}
