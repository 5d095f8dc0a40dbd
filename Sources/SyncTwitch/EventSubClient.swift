public import Foundation
public import SyncCore

/// Helix's EventSub subscription calls (`/eventsub/subscriptions`, app token): list every page,
/// create a webhook subscription, delete one.
extension HelixClient {
    struct SubscriptionPage: Decodable {
        struct Item: Decodable {
            struct Condition: Decodable {
                var broadcasterUserID: String?
                enum CodingKeys: String, CodingKey { case broadcasterUserID = "broadcaster_user_id" }
            }
            struct Transport: Decodable { var callback: String? }
            var id: String
            var type: String
            var status: String
            var condition: Condition
            var transport: Transport
        }
        struct Pagination: Decodable { var cursor: String? }
        var data: [Item]
        var pagination: Pagination?
        var total: Int?
        var totalCost: Int?
        var maxTotalCost: Int?

        enum CodingKeys: String, CodingKey {
            case data, pagination, total
            case totalCost = "total_cost"
            case maxTotalCost = "max_total_cost"
        }
    }

    /// Every subscription of this app (all pages), and Twitch's cost figures.
    public func subscriptions() async throws -> (list: [EventSubSubscription], totalCost: Int?, maxTotalCost: Int?) {
        var list: [EventSubSubscription] = []
        var cursor: String?
        var costs: (Int?, Int?) = (nil, nil)
        var pages = 0
        repeat {
            let query = cursor.map { "?after=" + AppTokenProvider.formEscape($0) } ?? ""
            let body = try await get("/eventsub/subscriptions" + query, what: "GET /eventsub/subscriptions")
            let page: SubscriptionPage
            do { page = try WireJSON.decoder().decode(SubscriptionPage.self, from: body) } catch {
                throw TwitchError.badResponse(WireJSON.describe(error))
            }
            list += page.data.compactMap { item in
                item.condition.broadcasterUserID.map {
                    EventSubSubscription(
                        id: item.id, type: item.type, status: item.status, broadcasterID: $0,
                        callback: item.transport.callback ?? "")
                }
            }
            costs = (page.totalCost, page.maxTotalCost)
            cursor = page.pagination?.cursor.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
        } while cursor != nil && pages < 1000
        return (list, costs.0, costs.1)
    }

    /// Subscribes `type` for `broadcasterID` with a webhook to `callback` signed with `secret`;
    /// false when Twitch already has that subscription (409).
    @discardableResult
    public func subscribe(type: String, broadcasterID: String, callback: String, secret: String) async throws -> Bool {
        let body = try JSONSerialization.data(withJSONObject: [
            "type": type, "version": "1", "condition": ["broadcaster_user_id": broadcasterID],
            "transport": ["method": "webhook", "callback": callback, "secret": secret],
        ])
        let response = try await send(
            .POST, "/eventsub/subscriptions", body: body, what: "POST /eventsub/subscriptions", accepting: [202, 409])
        return response.status == 202
    }

    /// Deletes subscription `id` (one already gone is fine).
    public func unsubscribe(id: String) async throws {
        _ = try await send(
            .DELETE, "/eventsub/subscriptions?id=" + AppTokenProvider.formEscape(id), body: nil,
            what: "DELETE /eventsub/subscriptions", accepting: [204, 404])
    }
}
