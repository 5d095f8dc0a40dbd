import Foundation
import Hummingbird
import RaceWeb

/// The fields the hub's forms post (`application/x-www-form-urlencoded`), decoded by
/// Hummingbird's `URLEncodedFormDecoder`. Each form uses some of them.
struct HubForm: Decodable, Sendable {
    /// The session's form token (every signed-in form).
    var csrf: String?
    /// An API token (the login page's token form).
    var token: String?
    /// Where to go after signing in (a local path).
    var next: String?
    /// A race's name (New race).
    var name: String?
    /// A Twitch login (add a participant or a caster).
    var login: String?

    /// Forms of the hub's pages are tiny; a larger body is refused before it is parsed.
    static let maxBytes = 8 * 1024

    /// The form `request` posts; a body that does not decode has no fields.
    static func read(_ request: Request) async throws -> HubForm {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBytes) } catch {
            throw WebPageError(.contentTooLarge, "Form too large", "A form of these pages is far smaller.")
        }
        return (try? URLEncodedFormDecoder().decode(HubForm.self, from: String(buffer: buffer))) ?? HubForm()
    }
}
