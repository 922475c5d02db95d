import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Recall campaigns: made from criteria, their units by where they were, outcomes, closing, and the report.
struct RecallsController: Controller {
    let api: API

    /// The roles that see which customer holds a sold unit.
    static let customerReaders: Set<Role> = [.admin, .sales, .support, .auditor]

    func addRoutes(to routes: Routes) {
        routes.on(.listRecalls, list)
        routes.on(.createRecall, create)
        routes.on(.showRecall, show)
        routes.on(.recallOutcomes, outcomes)
        routes.on(.closeRecall, close)
    }

    private func showsCustomers(_ context: AppRequestContext) -> Bool {
        context.apiKey.map { Self.customerReaders.contains($0.role) } ?? false
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let recalls = try await inventory.recalls(limit: try limit(request))
        return try API.json(
            Page(items: recalls.map { RecallJSON($0, showCustomers: showsCustomers(context)) }, next: nil))
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(RecallBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            var form = body.criteria
            if let components = form.components {
                var keys: [String] = []
                for scan in components { keys.append(try await inventory.unit(scan).description) }
                form.components = keys
            }
            let report = try await inventory.createRecall(
                id: body.id, reason: body.reason ?? "", criteria: try form.criteria(),
                context: try self.context(context, body, request: nil))
            return (try API.encoder.encode(RecallJSON(report, showCustomers: showsCustomers(context))), .created)
        }
    }

    /// A recall as JSON, or, with `format=csv`, the report for a regulator as CSV.
    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let json = RecallJSON(
            try await inventory.recall(try context.parameters.require("id")), showCustomers: showsCustomers(context))
        switch query(request, "format") {
        case nil, "json":
            return try API.json(json)
        case "csv":
            return Response(
                status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: json.csv)))
        case let other?:
            throw Problem(
                status: 422, code: "invalid-field", title: "format must be json or csv, not '\(Limits.quote(other))'")
        }
    }

    func outcomes(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(RecallOutcomeBody.self, request, context)
        try checkBatch(body.units.count)
        guard let outcome = RecallOutcome(rawValue: body.outcome) else {
            throw Problem(
                status: 422, code: "invalid-field",
                title: "outcome must be one of \(RecallOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try await remembering(request, context, body: raw) {
            let report = try await inventory.recordRecallOutcome(
                try context.parameters.require("id"), units: body.units, outcome: outcome, note: body.note,
                context: try self.context(context, body, request: nil))
            return (try API.encoder.encode(RecallJSON(report, showCustomers: showsCustomers(context))), .ok)
        }
    }

    func close(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(RecallCloseBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let report = try await inventory.closeRecall(
                try context.parameters.require("id"), force: body.force ?? false, reason: body.reason,
                context: try self.context(context, body, request: nil))
            return (try API.encoder.encode(RecallJSON(report, showCustomers: showsCustomers(context))), .ok)
        }
    }
}
