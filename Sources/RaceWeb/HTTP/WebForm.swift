public import Hummingbird

/// A form the pages post (`application/x-www-form-urlencoded`), decoded by Hummingbird's
/// `URLEncodedFormDecoder`. Every field is optional and the empty form is the default, so a body
/// that does not decode is a form without fields (no form token: the server's guard refuses it).
public protocol WebForm: Decodable, Sendable {
    init()
}

extension WebForm {
    /// The pages' forms are tiny; a larger body is refused before it is parsed.
    public static var maxBytes: Int { 8 * 1024 }

    /// The form in `body`, or the empty form.
    public init(body: String) {
        self = (try? URLEncodedFormDecoder().decode(Self.self, from: body)) ?? Self()
    }

    /// The form `request` posts: `413` with a page when the body is larger than `maxBytes`.
    public static func read(_ request: Request) async throws -> Self {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBytes) } catch {
            throw WebPageError(.contentTooLarge, "Form too large", "A form of these pages is far smaller.")
        }
        return Self(body: String(buffer: buffer))
    }
}
