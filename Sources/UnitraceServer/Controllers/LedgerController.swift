import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// The ledger: batch capture, pages of events, verification and JSON Lines import.
struct LedgerController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.captureEvents, capture)
        routes.on(.listEvents, listEvents)
        routes.on(.verify, verify)
        routes.on(.audit, audit)
        routes.on(.importLedger, importLedger)
    }

    func capture(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(CaptureBody.self, request, context)
        try checkBatch(body.events.reduce(0) { $0 + $1.units.count })
        let requests = try body.events.map { line -> CaptureRequest in
            guard let kind = EventKind(rawValue: line.kind) else {
                throw InputError(code: .invalidField, message: "unknown event kind '\(Limits.quote(line.kind))'")
            }
            let sale = line.channel.map {
                Sale(customer: line.customer, channel: $0, price: line.price, currency: line.currency)
            }
            return CaptureRequest(
                kind: kind, units: line.units, product: line.product, location: line.location,
                customer: kind == .ship ? line.customer : nil, sale: sale, reason: line.reason)
        }
        return try await recording(request, context, body: raw, kind: requests.first?.kind ?? .move) { ref in
            let eventContext = try self.context(context, body, request: ref)
            return try await inventory.capture(requests, context: eventContext)
        }
    }

    func listEvents(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let afterText = query(request, "after") ?? "0"
        guard let after = Int64(afterText), after >= 0 else {
            throw Problem(status: 422, code: "invalid-field", title: "after must be a sequence number")
        }
        var filter = EventFilter(sku: query(request, "product"))
        if let scan = query(request, "unit") { filter.unit = try await inventory.unit(scan) }
        let events = try await inventory.events(after: after, limit: limit, matching: filter)
        let items = events.map { LedgerRecord.event($0.event, sequence: $0.sequence, hash: $0.hash) }
        return try API.json(
            Page(items: items, next: events.count == limit ? events.last.map { String($0.sequence) } : nil))
    }

    func audit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(AuditJSON(try await inventory.audit()))
    }

    func verify(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(try await inventory.verify())
    }

    /// Records a JSON Lines ledger file (as `unitrace export` writes it), batch by batch.
    func importLedger(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem(status: 400, code: "malformed-request", title: "the request body is not valid UTF-8 text")
        }
        var source = BodyLines(text: text)
        do {
            return try API.json(try await inventory.importLedger(from: &source))
        } catch let failed as ImportFailed {
            var problem =
                Problem.from(failed.error) ?? Problem(status: 422, code: "import-failed", title: "\(failed.error)")
            problem.detail = failed.description
            throw problem
        }
    }
}
