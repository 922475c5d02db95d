import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Receiving against advance ship notices and purchase orders.
struct NoticesController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listNotices, list)
        routes.on(.addNotice, add)
        routes.on(.noticeLeadTimes, leadTimes)
        routes.on(.showNotice, show)
        routes.on(.noticeScans, scans)
        routes.on(.acceptNotice, accept)
        routes.on(.refuseNotice, refuse)
    }

    func actor(_ given: String?, _ context: AppRequestContext) -> String {
        given ?? "api:\(context.apiKey?.name ?? "anonymous")"
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let notices = try await inventory.notices(limit: try limit(request))
        return try API.json(Page(items: notices.map { NoticeJSON($0, lines: false) }, next: nil))
    }

    /// A notice as JSON, or its lines as CSV (`text/csv`) with the notice's fields in the query.
    func add(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let essence = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        if essence == "text/csv" {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let data = Data(buffer.readableBytesView)
            guard let id = query(request, "id"), let supplier = query(request, "supplier") else {
                throw Problem(
                    status: 422, code: "invalid-field", title: "a CSV notice needs ?id=…&supplier=… in the query")
            }
            let header = NoticeRequest(
                id: id, type: query(request, "type"), supplier: supplier, order: query(request, "order"),
                orderedOn: query(request, "orderedOn"), expectedOn: query(request, "expectedOn"),
                location: query(request, "location"), lines: [])
            let notice = try NoticeRequest.csv(try utf8Body(data), header: header)
            return try await remembering(request, context, body: data) {
                let added = try await inventory.addNotice(
                    notice, context: EventContext(actor: actor(query(request, "actor"), context)))
                return (try API.encoder.encode(NoticeJSON(added)), .created)
            }
        }
        let (body, raw) = try await decode(NoticeBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let added = try await inventory.addNotice(
                body.request, context: EventContext(actor: actor(body.actor, context)))
            return (try API.encoder.encode(NoticeJSON(added)), .created)
        }
    }

    private func utf8Body(_ data: Data) throws -> String {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Problem(status: 400, code: "malformed-request", title: "the CSV body is not UTF-8 text")
        }
        return text
    }

    func leadTimes(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(Page(items: try await inventory.leadTimes().map(LeadTimeJSON.init), next: nil))
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try API.json(NoticeResultJSON(try await inventory.noticeResult(try context.parameters.require("id"))))
    }

    func scans(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, _) = try await decode(NoticeScansBody.self, request, context)
        try checkBatch((body.scans?.count ?? 0) + (body.quantities?.count ?? 0))
        let id = try context.parameters.require("id")
        let total = try await inventory.addNoticeScans(
            id, scans: body.scans ?? [],
            quantities: (body.quantities ?? []).map {
                StockLineRequest(sku: $0.product, lot: $0.lot, quantity: $0.quantity)
            }, context: EventContext(actor: actor(body.actor, context)))
        return try API.json(["notice": id, "scans": String(total)])
    }

    func accept(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(NoticeAcceptBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let (result, _) = try await inventory.acceptNotice(
                try context.parameters.require("id"), body.part == true ? .part : .full, at: body.location,
                context: try self.context(context, body, request: nil))
            return (try API.encoder.encode(NoticeResultJSON(result)), .ok)
        }
    }

    func refuse(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(NoticeRefuseBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let notice = try await inventory.refuseNotice(
                try context.parameters.require("id"), context: try self.context(context, body, request: nil))
            return (try API.encoder.encode(NoticeJSON(notice, lines: false)), .ok)
        }
    }
}
