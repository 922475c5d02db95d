import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Components fitted into units and taken out, and the trace: what is inside a unit, where a unit or lot went.
struct AssemblyController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.install) { try await record(.install, $0, $1) }
        routes.on(.remove) { try await record(.remove, $0, $1) }
        routes.on(.traceDown, traceDown)
        routes.on(.traceUp, traceUp)
        routes.on(.traceBack, traceBack)
    }

    func traceBack(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let item = query(request, "item"), !item.isEmpty else {
            throw Problem(
                status: 422, code: "invalid-field", title: "give ?item=… (an EPC, a Digital Link, a unit or SKU/LOT)")
        }
        return try API.json(BackTraceJSON(try await inventory.traceBack(item)))
    }

    private func record(_ kind: EventKind, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(AssemblyBody.self, request, context)
        try checkBatch(body.components.count + 1)
        return try await remembering(request, context, body: raw) {
            let assembly = AssemblyRequest(
                parent: body.parent, components: body.components, location: body.location,
                repair: body.repair ?? false)
            let eventContext = try self.context(context, body, request: nil)
            let outcome =
                kind == .install
                ? try await inventory.install(assembly, context: eventContext)
                : try await inventory.remove(assembly, context: eventContext)
            return (try API.encoder.encode(AssemblyOutcomeJSON(outcome)), .created)
        }
    }

    func traceDown(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let unit = query(request, "unit"), !unit.isEmpty else {
            throw Problem(status: 422, code: "invalid-field", title: "give the unit as ?unit=…")
        }
        let at = try query(request, "at").map(Trace.instant(parsing:))
        return try API.json(TraceJSON(try await inventory.traceDown(unit, at: at)))
    }

    func traceUp(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let unit = query(request, "unit")
        let lot = query(request, "lot")
        let product = query(request, "product")
        let (after, limit) = (query(request, "after"), try self.limit(request))
        switch (unit, lot, product) {
        case (let unit?, nil, nil):
            return try API.json(TraceJSON(try await inventory.traceUp(unit, after: after, limit: limit)))
        case (nil, let lot?, let product?):
            let key = LotKey(sku: product, code: lot)
            return try API.json(TraceJSON(try await inventory.traceUp(lot: key, after: after, limit: limit)))
        default:
            throw Problem(
                status: 422, code: "invalid-field", title: "give ?unit=… or ?product=…&lot=…, not both and not neither")
        }
    }
}
