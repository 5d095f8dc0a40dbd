import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// The device login (OAuth 2.0 Device Authorization Grant, RFC 8628, CONTRACT §8) with the hub as
/// the authorization server: a device (`racecli login --device`) asks for codes and polls; a person
/// signed in on the website approves or denies on `/device`. Asking for codes and looking codes up
/// are limited per client, like sign-in attempts.
struct DeviceLoginRoutes {
    let store: Hub
    let web: WebSignIn
    /// The hub's public URL, when it has one: the verification page's base.
    let publicURL: String?
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        router.post(RouterPath(HubPaths.deviceCode)) { request, context in
            guard web.codeRequests.take(client: context.clientAddress) else {
                throw APIError(.tooManyRequests, "too many device logins from here; wait a minute", retryAfter: 6)
            }
            let asked = try await Self.body(DeviceLogin.CodeRequest.self, request, context)
            let started: (deviceCode: String, grant: DeviceGrant)
            do { started = try await store.startDeviceLogin(clientName: asked?.name ?? "device") } catch let error
                as TooManyDeviceLogins
            {
                throw APIError(.serviceUnavailable, error.description, retryAfter: 60)
            }
            let page = verificationURI(request)
            let userCode = DeviceGrant.displayed(started.grant.userCode)
            return Self.noStore(
                try HTTPIO.json(
                    DeviceLogin.CodeResponse(
                        deviceCode: started.deviceCode, userCode: userCode, verificationURI: page,
                        verificationURIComplete: page + "?user_code=" + userCode,
                        expiresIn: Int(DeviceGrant.lifetimeMs / 1000), interval: Int(DeviceGrant.intervalStepMs / 1000))
                ))
        }
        router.post(RouterPath(HubPaths.deviceToken)) { request, context in
            guard let poll = try await Self.body(DeviceLogin.TokenRequest.self, request, context) else {
                throw APIError.malformed("field 'device_code' is missing")
            }
            switch try await store.pollDeviceLogin(deviceCode: poll.deviceCode) {
            case .success(let secret):
                return Self.noStore(try HTTPIO.json(DeviceLogin.TokenResponse(accessToken: secret)))
            case .failure(let refusal):
                return Self.noStore(try HTTPIO.json(DeviceLogin.ErrorResponse(error: refusal), status: .badRequest))
            }
        }
        router.get(RouterPath(PagePaths.device)) { request, context in
            let typed = request.uri.queryParameters.get("user_code").map { String($0) }
            guard let signedIn = try await web.signedIn(request) else {
                let here = PagePaths.device + (typed.map { "?user_code=" + PagePaths.queryEscaped($0) } ?? "")
                return AccountRoutes.seeOther(LoginPageModel.link(returnTo: here))
            }
            guard let typed, !typed.isEmpty else { return page(.enterCode(problem: nil), signedIn) }
            guard web.limiter.take(client: context.clientAddress) else { return tooMany(signedIn) }
            guard let grant = try await store.openDeviceLogin(userCode: typed) else {
                return page(.enterCode(problem: Self.noSuchCode(typed)), signedIn, status: .notFound)
            }
            return page(
                .confirm(userCode: DeviceGrant.displayed(grant.userCode), clientName: grant.clientName), signedIn)
        }
        router.post(RouterPath(PagePaths.device)) { request, context in
            let (signedIn, form) = try await web.checkedPost(request, returnTo: PagePaths.device)
            guard web.limiter.take(client: context.clientAddress) else { return tooMany(signedIn) }
            let typed = form.userCode ?? ""
            guard let decision = form.decision, ["approve", "deny"].contains(decision) else {
                return page(.enterCode(problem: "Choose Approve or Deny."), signedIn, status: .unprocessableContent)
            }
            guard
                let grant = try await store.decideDeviceLogin(
                    userCode: typed, user: signedIn.user.id, approve: decision == "approve")
            else {
                return page(.enterCode(problem: Self.noSuchCode(typed)), signedIn, status: .notFound)
            }
            return page(.decided(approved: decision == "approve", clientName: grant.clientName), signedIn)
        }
    }

    /// `{public URL}/device`, else the address the device itself used to reach the hub.
    private func verificationURI(_ request: Request) -> String {
        if let publicURL { return HubServer.publicAddress(publicURL, PagePaths.device) }
        let host = request.head.authority ?? ""
        let plain =
            !host.isEmpty
            && host.utf8.allSatisfy { $0 < 0x80 && Self.hostCharacters.contains(Character(UnicodeScalar($0))) }
        return "http://" + (plain ? host : "localhost") + PagePaths.device
    }

    /// What a host and port may be made of (a name, an IPv4 or bracketed IPv6 literal).
    private static let hostCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")

    private func page(_ step: DevicePageModel.Step, _ signedIn: SignedIn, status: HTTPResponse.Status = .ok)
        -> Response
    {
        let model = DevicePageModel(step: step, you: signedIn.user.shownName, formToken: signedIn.formToken)
        var response = WebPage.html(renderer.devicePage(model), status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func tooMany(_ signedIn: SignedIn) -> Response {
        page(
            .enterCode(problem: "Too many codes tried from here; wait a minute and try again."), signedIn,
            status: .tooManyRequests)
    }

    static func noSuchCode(_ typed: String) -> String {
        "No device login is waiting for the code '\(typed.prefix(12))': check it, or start again in the terminal (codes last 10 minutes and are used once)."
    }

    /// The JSON body as `T`, or nil when there is none; 422 naming what is wrong. A form body
    /// (RFC 8628's own encoding) is read too.
    static func body<T: Decodable>(_ type: T.Type, _ request: Request, _ context: HubContext) async throws -> T? {
        var request = request
        let buffer = try await request.collectBody(upTo: 4096)
        guard buffer.readableBytes > 0 else { return nil }
        // curl -d labels JSON as a form: a body that opens like JSON is read as JSON.
        let isForm =
            request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") ?? false
            && buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) != UInt8(ascii: "{")
        do {
            if isForm { return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer)) }
            return try WireJSON.decoder().decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw APIError.malformed(WireJSON.describe(error))
        }
    }

    /// OAuth answers carrying codes and tokens are never cached (RFC 6749 §5.1).
    static func noStore(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
