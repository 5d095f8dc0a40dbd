public import Foundation
import SyncCore

/// HTTP conditional GET for feeds (RFC 9110 §13), as a pure function of the request's
/// validators and the representation's: total on any header text, however long or odd.
public enum ConditionalRequest {
    /// Whether the client's copy is current (answer `304`). `If-None-Match` wins over
    /// `If-Modified-Since`; an `If-Modified-Since` that is not a valid HTTP date is ignored.
    public static func notModified(ifNoneMatch: String?, ifModifiedSince: String?, etag: String, lastModified: Date)
        -> Bool
    {
        if let ifNoneMatch { return matches(ifNoneMatch, etag: etag) }
        if let ifModifiedSince, let since = Timestamp.parseHTTPDate(ifModifiedSince) { return lastModified <= since }
        return false
    }

    /// Weak comparison of an `If-None-Match` list (or `*`) against a strong `etag`.
    public static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        for candidate in ifNoneMatch.split(separator: ",") {
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" || tag == etag || (tag.hasPrefix("W/") && tag.dropFirst(2) == etag) { return true }
        }
        return false
    }
}
