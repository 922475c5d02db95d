import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Quantities of lot-tracked and bulk products: the events that change them, and the answers built on them
/// (levels, lots, expiring stock, pick lists, reorder suggestions, sales).
struct StockController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.stockLevels, levels)
        routes.on(.stockReceive) { try await record(.receive, $0, $1) }
        routes.on(.stockMove) { try await record(.move, $0, $1) }
        routes.on(.stockShip) { try await record(.ship, $0, $1) }
        routes.on(.stockArrive) { try await record(.arrive, $0, $1) }
        routes.on(.stockSell) { try await record(.sell, $0, $1) }
        routes.on(.stockReturn) { try await record(.return, $0, $1) }
        routes.on(.stockScrap) { try await record(.scrap, $0, $1) }
        routes.on(.stockAdjust, adjust)
        routes.on(.lots, lots)
        routes.on(.lot, lot)
        routes.on(.expiring, expiring)
        routes.on(.pick, pick)
        routes.on(.reorder, reorder)
        routes.on(.reorderRules, setRule)
        routes.on(.sales, sales)
    }

    func levels(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let state = try query(request, "state").map { text throws(InputError) in
            guard let value = StockState(rawValue: text) else {
                throw InputError(code: .invalidField, message: "state must be available, in-transit or packed")
            }
            return value
        }
        let levels = try await inventory.stockLevels(
            sku: query(request, "product"), lot: query(request, "lot"), location: query(request, "location"),
            state: state)
        return try API.json(Page(items: levels.map(StockLevelJSON.init), next: nil))
    }

    /// receive, move, ship, arrive, sell, return, scrap.
    func record(_ kind: EventKind, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(StockBody.self, request, context)
        try checkBatch(body.lines.count)
        let lines = try body.lines.map { line throws(InputError) in try line.request() }
        return try await recordingStock(request, context, body: raw) { ref in
            var eventContext = try self.context(context, body, request: ref)
            func required(_ value: String?, _ name: String) throws -> String {
                guard let value else {
                    throw Problem(status: 422, code: "invalid-field", title: "\(kind.rawValue) needs \(name)")
                }
                return value
            }
            switch kind {
            case .receive:
                return try await inventory.receiveStock(
                    lines, at: try required(body.location, "location"), context: eventContext)
            case .move:
                return try await inventory.moveStock(
                    lines, from: try required(body.from, "from"), to: try required(body.to, "to"), context: eventContext
                )
            case .ship:
                return try await inventory.shipStock(
                    lines, from: try required(body.from, "from"), toLocation: body.to, toCustomer: body.customer,
                    context: eventContext)
            case .arrive:
                return try await inventory.arriveStock(
                    lines, at: try required(body.location, "location"), headedTo: body.headedTo, context: eventContext)
            case .sell:
                let sale = try body.sale(documenting: &eventContext)
                return try await inventory.sellStock(lines, from: body.from, sale: sale, context: eventContext)
            case .return:
                return try await inventory.returnStock(
                    lines, to: try required(body.location, "location"), context: eventContext)
            case .scrap:
                return try await inventory.scrapStock(
                    lines, from: try required(body.from, "from"), context: eventContext)
            default:
                throw Problem(status: 404, code: "not-found", title: "no such route")
            }
        }
    }

    func adjust(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(AdjustBody.self, request, context)
        return try await recordingStock(request, context, body: raw) { ref in
            try await inventory.adjustStock(
                sku: body.product, lot: body.lot, at: body.location, to: body.to, by: body.by,
                context: try self.context(context, body, request: ref))
        }
    }

    func lots(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let lots = try await inventory.lots(sku: try context.parameters.require("sku"))
        return try API.json(Page(items: lots.map(LotJSON.init), next: nil))
    }

    func lot(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let lots = try await inventory.lots(
            sku: try context.parameters.require("sku"), code: try context.parameters.require("code"))
        return try API.json(LotJSON(lots[0]))
    }

    func expiring(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var days = 30
        if let text = query(request, "within") {
            guard let value = Int(text) else {
                throw InputError(code: .invalidField, message: "within must be a whole number of days")
            }
            days = value
        }
        let items = try await inventory.expiring(within: days, location: query(request, "location"))
        return try API.json(Page(items: items.map(ExpiringJSON.init), next: nil))
    }

    func pick(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, _) = try await decode(PickBody.self, request, context)
        try checkBatch(body.lines.count)
        let list = try await inventory.pick(
            body.lines.map { PickRequest(sku: $0.product, quantity: $0.quantity, lot: $0.lot) }, at: body.location)
        return try API.json(PickListJSON(list))
    }

    func reorder(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var window = 28
        if let text = query(request, "window") {
            guard let value = Int(text) else {
                throw InputError(code: .invalidField, message: "window must be a whole number of days")
            }
            window = value
        }
        var lines = try await inventory.reorder(location: query(request, "location"), window: window)
        if query(request, "due") == "true" { lines = lines.filter(\.order.isPositive) }
        return try API.json(Page(items: lines.map(ReorderJSON.init), next: nil))
    }

    func setRule(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(ReorderRuleBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            let rule = try await inventory.setReorderRule(
                sku: body.product, location: body.location, point: body.point, quantity: body.quantity)
            return (try API.encoder.encode(ReorderRuleJSON(rule)), .ok)
        }
    }

    func sales(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        func day(_ name: String) throws(InputError) -> CalendarDay? {
            try query(request, name).map { text throws(InputError) in try CalendarDay(parsing: text, name: name) }
        }
        let until = try day("until") ?? CalendarDay(inventory.environment.now())
        let since = try day("since") ?? until.adding(days: -29)
        let lines = try await inventory.sales(sku: query(request, "product"), from: since, until: until)
        return try API.json(Page(items: lines.map(SalesJSON.init), next: nil))
    }
}
