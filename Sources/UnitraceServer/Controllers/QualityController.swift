import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Inspections and tests, the shared cause of defects, and where a unit's damage began.
struct QualityController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.inspect, inspect)
        routes.on(.causes, causes)
        routes.on(.damageTimeline, timeline)
    }

    func inspect(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(InspectionBody.self, request, context)
        try checkBatch(body.units?.count ?? 0)
        return try await remembering(request, context, body: raw) {
            guard let result = Inspection.Result(rawValue: body.result) else {
                throw InputError(
                    code: .invalidField, message: "result '\(Limits.quote(body.result))' must be pass or fail")
            }
            var eventContext = try self.context(context, body, request: nil)
            if let certificate = body.certificate {
                eventContext.documents.append(try DocumentRef(parsing: "certificate:\(certificate)"))
            }
            let inspection = Inspection(
                procedure: body.procedure, result: result,
                measurements: try (body.measurements ?? []).map { text throws(InputError) in
                    try MeasuredValue(parsing: text)
                },
                inspector: body.inspector, equipment: body.equipment, defect: body.defect)
            let outcome = try await inventory.inspect(
                InspectionRequest(
                    units: body.units ?? [], product: body.product,
                    lot: try body.lot.map { text throws(InputError) in try LotRef(parsing: text) },
                    inspection: inspection, location: body.location, quarantine: body.quarantine ?? false),
                context: eventContext)
            return (try API.encoder.encode(InspectionOutcomeJSON(outcome)), .created)
        }
    }

    func causes(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let units = query(request, "units").map { $0.split(separator: ",").map(String.init) } ?? []
        let source: FailureSource
        switch (query(request, "failed"), units.isEmpty) {
        case ("inspections", true): source = .inspections(procedure: query(request, "procedure"))
        case ("returns", true): source = .returns(reason: query(request, "reason"))
        case (nil, false): source = .units(units)
        default:
            throw Problem(
                status: 422, code: "invalid-field",
                title: "name the failed units one way: ?failed=inspections, ?failed=returns or ?units=A,B,…")
        }
        let since = try query(request, "since").map(Timestamp.init(iso8601:))
        let limit = try self.limit(request)
        let analysis = try await inventory.causes(
            of: source, product: query(request, "product"), since: since, limit: min(limit, 1_000))
        return try API.json(CauseAnalysisJSON(analysis))
    }

    func timeline(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let unit = query(request, "unit"), !unit.isEmpty else {
            throw Problem(status: 422, code: "invalid-field", title: "give the unit as ?unit=…")
        }
        return try API.json(DamageTimelineJSON(try await inventory.damageTimeline(unit)))
    }
}
