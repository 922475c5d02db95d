import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Containers (cases, pallets): what they hold, packing and unpacking. Moving, shipping and arriving a
/// container goes through the units' routes, with its SSCC among the units.
struct ContainersController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.showContainer, show)
        routes.on(.pack, pack)
        routes.on(.unpack, unpack)
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(try await inventory.containerView(try context.parameters.require("sscc")))
    }

    func pack(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await record(.pack, request, context)
    }

    func unpack(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await record(.unpack, request, context)
    }

    private func record(_ kind: EventKind, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(PackBody.self, request, context)
        try checkBatch((body.units?.count ?? 0) + (body.quantities?.count ?? 0) + (body.containers?.count ?? 0))
        if kind == .pack, body.all != nil {
            throw Problem(status: 422, code: "invalid-field", title: "'all' belongs to an unpack")
        }
        if kind == .unpack, body.location != nil {
            throw Problem(
                status: 422, code: "invalid-field", title: "an unpack happens where the container is: no location")
        }
        return try await remembering(request, context, body: raw) {
            let packRequest = PackRequest(
                container: try context.parameters.require("sscc"), units: body.units ?? [],
                quantities: (body.quantities ?? []).map {
                    StockLineRequest(sku: $0.product, lot: $0.lot, quantity: $0.quantity)
                }, containers: body.containers ?? [], location: body.location, everything: body.all ?? false)
            let eventContext = try self.context(context, body, request: nil)
            let outcome =
                kind == .pack
                ? try await inventory.pack(packRequest, context: eventContext)
                : try await inventory.unpack(packRequest, context: eventContext)
            return (try API.encoder.encode(PackOutcomeJSON(outcome)), .created)
        }
    }
}
