import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Access: API keys and webhook subscriptions.
struct AccessController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listKeys, listKeys)
        routes.on(.createKey, createKey)
        routes.on(.revokeKey, revokeKey)
        routes.on(.listWebhooks, listWebhooks)
        routes.on(.addWebhook, addWebhook)
        routes.on(.removeWebhook, removeWebhook)
        routes.on(.webhookDeliveries, webhookDeliveries)
    }

    func listKeys(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let keys = try await inventory.keys(after: query(request, "after"), limit: limit)
        return try API.json(Page(items: keys.map { KeyView($0) }, next: keys.count == limit ? keys.last?.id : nil))
    }

    func createKey(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(KeyBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            guard let role = Role(rawValue: body.role) else {
                throw InputError(
                    code: .invalidField,
                    message: "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let (key, token) = try await inventory.createKey(name: body.name, role: role)
            return (
                try API.encoder.encode(KeyView(key, token: token)), try API.encoder.encode(KeyView(key)), .created
            )
        }
    }

    func revokeKey(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard id != context.apiKey?.id else {
            throw Problem(
                status: 409, code: "revoking-own-key",
                title: "a key cannot revoke itself; revoke it with another admin key or `unitrace key revoke`")
        }
        try await inventory.revokeKey(id: id)
        return Response(status: .noContent)
    }

    func listWebhooks(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let subscriptions = try await inventory.subscriptions(after: query(request, "after"), limit: limit)
        return try API.json(
            Page(
                items: subscriptions.map { WebhookView($0) },
                next: subscriptions.count == limit ? subscriptions.last?.id : nil))
    }

    func addWebhook(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(WebhookBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let kinds = try (body.kinds ?? []).map { text -> EventKind in
                guard let kind = EventKind(rawValue: text) else {
                    throw InputError(code: .invalidField, message: "unknown event kind '\(Limits.quote(text))'")
                }
                return kind
            }
            let subscription = try await inventory.subscribe(
                url: body.url, kinds: kinds, skus: body.skus ?? [], headEvery: body.headEvery)
            return (
                try API.encoder.encode(WebhookView(subscription, showSecret: true)),
                try API.encoder.encode(WebhookView(subscription)), .created
            )
        }
    }

    func removeWebhook(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await inventory.unsubscribe(id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    func webhookDeliveries(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let limit = try limit(request)
        let after = try query(request, "after").map { text -> Int64 in
            guard let value = Int64(text) else {
                throw Problem(status: 422, code: "invalid-field", title: "after must be a number")
            }
            return value
        }
        let deliveries = try await inventory.deliveries(subscription: id, after: after, limit: limit)
        return try API.json(
            Page(
                items: deliveries.map(DeliveryView.init),
                next: deliveries.count == limit ? deliveries.last.map { String($0.id) } : nil))
    }
}
