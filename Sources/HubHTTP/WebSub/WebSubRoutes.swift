import Foundation
import Hummingbird
import RaceService
import SyncCore

/// `POST /websub`: subscribe to or unsubscribe from one of the hub's feeds (WebSub §5.1). The
/// request is checked at once (`400` saying what is wrong, `404` for an unknown race, `429` when
/// a cap is reached) and answered `202`; the subscriber's intent is then verified in the background
/// and the subscription stored only when the callback confirms it.
struct WebSubRoutes {
    let hub: WebSubHub

    /// The form's fields (`application/x-www-form-urlencoded`), all optional here.
    struct Form: Decodable {
        var mode: String?
        var topic: String?
        var callback: String?
        var leaseSeconds: String?
        var secret: String?

        enum CodingKeys: String, CodingKey {
            case mode = "hub.mode"
            case topic = "hub.topic"
            case callback = "hub.callback"
            case leaseSeconds = "hub.lease_seconds"
            case secret = "hub.secret"
        }
    }

    func register(on router: Router<HubContext>) {
        router.post(RouterPath(HubPaths.webSub)) { request, context in try await handle(request, context) }
    }

    private func handle(_ request: Request, _ context: HubContext) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: 8192) } catch {
            throw APIError(.contentTooLarge, "a WebSub request is at most 8 KiB")
        }
        let form: Form
        do { form = try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer)) } catch {
            throw APIError(.badRequest, "the body must be an application/x-www-form-urlencoded WebSub request")
        }
        let parsed = WebSubRequest.parse(
            mode: form.mode, topic: form.topic, callback: form.callback, leaseSeconds: form.leaseSeconds,
            secret: form.secret, baseURL: hub.feeds.baseURL)
        let subscription: WebSubRequest
        switch parsed {
        case .success(let checked): subscription = checked
        case .failure(let error): throw APIError(.badRequest, error.detail)
        }
        // Past this point a request costs a name lookup and a call out: limited per client.
        guard hub.requests.take(client: context.clientAddress) else {
            throw APIError(.tooManyRequests, "too many WebSub requests from this address; wait a minute", retryAfter: 6)
        }
        if subscription.mode == .subscribe, try await hub.feeds.get(subscription.scope, subscription.format) == nil {
            throw APIError.raceNotFound
        }
        do { _ = try await hub.addresses.check(host: subscription.callbackHost) } catch let refused
            as CallbackAddresses.Refused
        {
            throw APIError(.badRequest, refused.detail)
        }
        if subscription.mode == .subscribe,
            let refusal = try await hub.store.webSubRoom(
                topic: subscription.topic, callback: subscription.callback, host: subscription.callbackHost,
                policy: hub.policy)
        {
            throw APIError(.tooManyRequests, refusal, retryAfter: 3600)
        }
        guard hub.enqueue(subscription) else {
            throw APIError(
                .tooManyRequests, "too many WebSub verifications are waiting for this callback's host; retry later",
                retryAfter: 30)
        }
        return Response(
            status: .accepted, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(
                byteBuffer: ByteBuffer(
                    string:
                        "Accepted: the hub will verify this \(subscription.mode.rawValue) request with the callback.\n"
                )))
    }
}
