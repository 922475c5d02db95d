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
