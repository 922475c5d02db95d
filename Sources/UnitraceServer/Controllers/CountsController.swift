import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Cycle counts and stock-takes.
struct CountsController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listCounts, list)
        routes.on(.openCount, open)
        routes.on(.countSample, sample)
        routes.on(.showCount, show)
        routes.on(.countScans, scans)
        routes.on(.closeCount, close)
        routes.on(.approveCount, approve)
    }

    func actor(_ given: String?, _ context: AppRequestContext) -> String {
        given ?? "api:\(context.apiKey?.name ?? "anonymous")"
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let counts = try await inventory.counts(limit: try limit(request))
        return try API.json(Page(items: counts.map(CountJSON.init), next: nil))
    }

    func open(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(CountOpenBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let count = try await inventory.openCount(
                location: body.location, products: body.products ?? [],
                context: EventContext(actor: actor(body.actor, context)))
            return (try API.encoder.encode(CountJSON(count)), .created)
        }
    }

    func sample(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let location = query(request, "location") else {
            throw Problem(status: 422, code: "invalid-field", title: "give the location as ?location=…")
        }
        func number(_ name: String) throws -> Int? {
            try query(request, name).map { text in
                guard let value = Int(text) else {
                    throw Problem(status: 422, code: "invalid-field", title: "\(name) must be a whole number")
                }
                return value
            }
        }
        let drawn = try await inventory.countSample(
            location: location, bins: try number("bins"), units: try number("units"))
        return try API.json(Page(items: drawn, next: nil))
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(CountResultJSON(try await inventory.countResult(try context.parameters.require("id"))))
    }

    func scans(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, _) = try await decode(CountScansBody.self, request, context)
        try checkBatch((body.scans?.count ?? 0) + (body.quantities?.count ?? 0))
        let id = try context.parameters.require("id")
        let total = try await inventory.addCountScans(
            id, scans: body.scans ?? [],
            quantities: (body.quantities ?? []).map {
                StockLineRequest(sku: $0.product, lot: $0.lot, quantity: $0.quantity)
            },
            at: body.location, context: EventContext(actor: actor(body.actor, context)))
        return try API.json(["count": id, "scans": String(total)])
    }

    func close(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(CountResultJSON(try await inventory.closeCount(try context.parameters.require("id"))))
    }

    func approve(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, _) = try await decode(CountApproveBody.self, request, context)
        let (result, _) = try await inventory.approveCount(
            try context.parameters.require("id"), context: try self.context(context, body, request: nil))
        return try API.json(CountResultJSON(result))
    }
}
