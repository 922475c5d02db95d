import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Holds for customers and orders, and where a product can be had.
struct HoldsController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listHolds, list)
        routes.on(.addHold, add)
        routes.on(.releaseHold, release)
        routes.on(.availability, availability)
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let holds = try await inventory.holds(
            active: query(request, "all") != "true", after: query(request, "after"), limit: limit)
        return try API.json(
            Page(items: holds.map(HoldJSON.init), next: holds.count == limit ? holds.last?.id : nil))
    }

    func add(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(HoldBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let hold = try await inventory.hold(
                HoldRequest(
                    unit: body.unit, sku: body.product, lot: body.lot, location: body.location, quantity: body.quantity,
                    customer: body.customer, order: body.order, until: try Timestamp(iso8601: body.until)),
                context: EventContext(actor: body.actor ?? "api:\(context.apiKey?.name ?? "anonymous")"))
            return (try API.encoder.encode(HoldJSON(hold)), .created)
        }
    }

    func release(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let hold = try await inventory.releaseHold(id: try context.parameters.require("id"))
        return try API.json(HoldJSON(hold))
    }

    func availability(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let sku = query(request, "product") else {
            throw Problem(status: 422, code: "invalid-field", title: "give the product as ?product=…")
        }
        var attributes: [String: String] = [:]
        for text in FormQuery(request.uri.query).getAll("attr") {
            let (key, value) = try Field.attribute(text)
            attributes[key] = value
        }
        let rows = try await inventory.availability(
            sku: sku, lot: query(request, "lot"), attributes: attributes, location: query(request, "location"))
        return try API.json(Page(items: rows.map(AvailabilityJSON.init), next: nil))
    }
}
