import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Units: finding them, their passports, the verbs that change them, and the stock they make.
struct UnitsController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.findUnits, findUnits)
        routes.on(.lookupUnit, lookupUnit)
        routes.on(.showUnit, showUnit)
        routes.on(.receive, receive)
        routes.on(.move) { try await act(.move, $0, $1) }
        routes.on(.ship) { try await act(.ship, $0, $1) }
        routes.on(.arrive) { try await act(.arrive, $0, $1) }
        routes.on(.sell) { try await act(.sell, $0, $1) }
        routes.on(.returnUnits) { try await act(.return, $0, $1) }
        routes.on(.quarantine) { try await act(.quarantine, $0, $1) }
        routes.on(.release) { try await act(.release, $0, $1) }
        routes.on(.scrap) { try await act(.scrap, $0, $1) }
        routes.on(.correct, correct)
        routes.on(.stock, stock)
    }

    func findUnits(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var query = UnitQuery(
            sku: self.query(request, "product"), location: self.query(request, "location"),
            lot: self.query(request, "lot"))
        query.limit = try limit(request)
        if let status = self.query(request, "status") {
            guard let value = UnitStatus(rawValue: status) else {
                throw InputError(code: .invalidField, message: "unknown status '\(Limits.quote(status))'")
            }
            query.status = value
        }
        for text in FormQuery(request.uri.query).getAll("attr") {
            let (key, value) = try Field.attribute(text)
            query.attributes[key] = value
        }
        if let after = self.query(request, "after") {
            guard let key = UnitKey(parsing: after) else {
                throw InputError(code: .invalidField, message: "after must be SKU/SERIAL, got '\(Limits.quote(after))'")
            }
            query.after = key
        }
        let units = try await inventory.find(query)
        return try API.json(
            Page(items: units.map(UnitJSON.init), next: units.count == query.limit ? units.last?.key.description : nil))
    }

    func lookupUnit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let scan = query(request, "scan"), !scan.isEmpty else {
            throw Problem(status: 422, code: "invalid-field", title: "give the scan as ?scan=…")
        }
        return try API.json(PassportJSON(try await inventory.passport(scan, product: query(request, "product"))))
    }

    func showUnit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = UnitKey(sku: try context.parameters.require("sku"), serial: try context.parameters.require("serial"))
        return try API.json(PassportJSON(try await inventory.passport(key.description)))
    }

    func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(ReceiveBody.self, request, context)
        try checkBatch(max(body.units?.count ?? 0, body.count ?? 0))
        if let spec = body.serials {
            try checkBatch(try SerialEntry.expand(spec, nextFree: 1, limit: configuration.maxBatchUnits + 1).count)
        }
        let lines = try ReceiveLine.parseAll(body.units ?? [])
        return try await recording(request, context, body: raw, kind: .receive) { ref in
            let eventContext = try self.context(context, body, request: ref)
            return try await inventory.receive(
                ReceiveRequest(
                    sku: body.product, location: body.location, lines: lines, count: body.count,
                    ownSerials: body.ownSerials ?? false, lot: body.lot, attributes: body.attributes ?? [:],
                    serials: body.serials, fields: body.fields ?? [:], lotDetails: try body.lotDetails?.details()),
                context: eventContext)
        }
    }

    /// move, ship, arrive, sell, return, quarantine, release, scrap.
    func act(_ kind: EventKind, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(UnitsBody.self, request, context)
        try checkBatch(body.units.count)
        return try await recording(request, context, body: raw, kind: kind) { ref in
            var eventContext = try self.context(context, body, request: ref)
            func required(_ value: String?, _ name: String) throws -> String {
                guard let value else {
                    throw Problem(status: 422, code: "invalid-field", title: "\(kind.rawValue) needs \(name)")
                }
                return value
            }
            switch kind {
            case .move:
                return try await inventory.move(
                    body.units, product: body.product, to: try required(body.location, "location"),
                    context: eventContext)
            case .ship:
                return try await inventory.ship(
                    body.units, product: body.product, toLocation: body.location, toCustomer: body.customer,
                    context: eventContext)
            case .arrive:
                return try await inventory.arrive(
                    body.units, product: body.product, at: body.location, context: eventContext)
            case .sell:
                let sale = try body.sale(documenting: &eventContext)
                return try await inventory.sell(body.units, product: body.product, sale: sale, context: eventContext)
            case .return:
                return try await inventory.returnUnits(
                    body.units, product: body.product, to: try required(body.location, "location"),
                    context: eventContext)
            case .quarantine:
                return try await inventory.quarantine(body.units, product: body.product, context: eventContext)
            case .release: return try await inventory.release(body.units, product: body.product, context: eventContext)
            case .scrap:
                return try await inventory.scrap(body.units, product: body.product, context: eventContext)
            case .receive, .correct, .observe, .found, .lost, .pack, .unpack, .install, .remove, .inspect, .produce:
                throw Problem(status: 404, code: "not-found", title: "no such route")
            }
        }
    }

    func correct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(CorrectBody.self, request, context)
        return try await recording(request, context, body: raw, kind: .correct) { ref in
            let eventContext = try self.context(context, body, request: ref)
            return try await inventory.correct(sequence: body.sequence, context: eventContext)
        }
    }

    func stock(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var query = StockQuery(sku: self.query(request, "product"), location: self.query(request, "location"))
        if let status = self.query(request, "status") {
            guard let value = UnitStatus(rawValue: status) else {
                throw InputError(code: .invalidField, message: "unknown status '\(Limits.quote(status))'")
            }
            query.status = value
        }
        return try API.json(Page(items: try await inventory.stock(query), next: nil))
    }
}
