import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Transfers between places and drop-ships to customers.
struct TransfersController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listTransfers, list)
        routes.on(.requestTransfer, request)
        routes.on(.showTransfer, show)
        routes.on(.shipTransfer, ship)
        routes.on(.arriveTransfer, arrive)
        routes.on(.cancelTransfer, cancel)
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let state = try query(request, "state").map { text in
            guard let value = StockTransfer.State(rawValue: text) else {
                throw Problem(
                    status: 422, code: "invalid-field",
                    title: "state must be requested, shipped, arrived or cancelled, not '\(Limits.quote(text))'")
            }
            return value
        }
        let transfers = try await inventory.transfers(state: state, limit: try limit(request))
        return try API.json(Page(items: transfers.map(TransferJSON.init), next: nil))
    }

    func request(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(TransferBody.self, request, context)
        try checkBatch((body.units?.count ?? 0) + (body.quantities?.count ?? 0))
        return try await remembering(request, context, body: raw) {
            let transfer = try await inventory.requestTransfer(
                units: body.units ?? [],
                quantities: (body.quantities ?? []).map {
                    StockLineRequest(sku: $0.product, lot: $0.lot, quantity: $0.quantity)
                }, from: body.from, toLocation: body.to, toCustomer: body.toCustomer, order: body.order,
                context: try self.context(context, body, request: nil))
            return (try API.encoder.encode(TransferJSON(transfer)), .created)
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(TransferJSON(try await inventory.transfer(try context.parameters.require("id"))))
    }

    func ship(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await step(request, context) { id, eventContext in
            try await inventory.shipTransfer(id, context: eventContext).0
        }
    }

    func arrive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await step(request, context) { id, eventContext in
            try await inventory.arriveTransfer(id, context: eventContext).0
        }
    }

    func cancel(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await step(request, context) { id, eventContext in
            try await inventory.cancelTransfer(id, context: eventContext)
        }
    }

    private func step(
        _ request: Request, _ context: AppRequestContext,
        _ perform: (String, EventContext) async throws -> StockTransfer
    ) async throws -> Response {
        let (body, raw) = try await decode(TransferStepBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let transfer = try await perform(
                try context.parameters.require("id"), try self.context(context, body, request: nil))
            return (try API.encoder.encode(TransferJSON(transfer)), .ok)
        }
    }
}
