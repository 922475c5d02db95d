import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Production runs: the line, equipment, operator and shift a lot was made by.
struct RunsController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listRuns, list)
        routes.on(.addRun, add)
        routes.on(.showRun, show)
        routes.on(.produce, produce)
    }

    func produce(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(ProductionBody.self, request, context)
        try checkBatch((body.serials?.count ?? 0) + body.inputs.count)
        return try await remembering(request, context, body: raw) {
            let eventContext = try self.context(context, body, request: nil)
            let production = ProductionRequest(
                sku: body.product, location: body.location, lot: body.lot, run: body.run,
                madeOn: try body.madeOn.map { text throws(InputError) in try CalendarDay(parsing: text, name: "madeOn")
                },
                expiry: try body.expiry.map { text throws(InputError) in try CalendarDay(parsing: text, name: "expiry")
                },
                serials: body.serials ?? [], count: body.count, quantity: body.quantity, uom: body.uom,
                inputs: try body.inputs.map { text throws(InputError) in try QuantityLine(parsingInput: text) })
            let outcome = try await inventory.produce(production, context: eventContext)
            return (try API.encoder.encode(ProductionOutcomeJSON(outcome)), .created)
        }
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let runs = try await inventory.runs(limit: try limit(request))
        return try API.json(Page(items: runs.map(RunJSON.init), next: nil))
    }

    func add(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(RunBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let eventContext = try self.context(context, body, request: nil)
            let run = try await inventory.addRun(
                RunRequest(
                    id: body.id, sku: body.product, line: body.line, equipment: body.equipment,
                    operator: body.operator, shift: body.shift, workOrder: body.workOrder,
                    start: try body.start.map(Timestamp.init(iso8601:)), end: try body.end.map(Timestamp.init(iso8601:))
                ), context: eventContext)
            return (try API.encoder.encode(RunJSON(run)), .created)
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(RunJSON(try await inventory.run(try context.parameters.require("id"))))
    }
}
