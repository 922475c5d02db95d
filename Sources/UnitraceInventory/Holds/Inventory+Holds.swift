import Foundation
import UnitraceCore

/// What to hold: one unit (by any scan that names it), or a quantity of a lot or bulk product at a location.
public struct HoldRequest: Hashable, Sendable {
    public var unit: String?
    public var sku: String?
    public var lot: String?
    public var location: String?
    public var quantity: String?
    public var customer: String?
    public var order: String?
    /// When it runs out.
    public var until: Timestamp

    public init(
        unit: String? = nil, sku: String? = nil, lot: String? = nil, location: String? = nil,
        quantity: String? = nil, customer: String? = nil, order: String? = nil, until: Timestamp
    ) {
        self.unit = unit
        self.sku = sku
        self.lot = lot
        self.location = location
        self.quantity = quantity
        self.customer = customer
        self.order = order
        self.until = until
    }
}

/// Where a product can be had: per location, what is in stock and not held.
public struct Availability: Hashable, Sendable {
    public var sku: String
    public var lot: String?
    public var location: String
    /// In stock and not held (units count one each).
    public var available: Quantity
    /// In stock but held for someone.
    public var held: Quantity

    public init(sku: String, lot: String?, location: String, available: Quantity, held: Quantity) {
        self.sku = sku
        self.lot = lot
        self.location = location
        self.available = available
        self.held = held
    }
}

extension Inventory {
    /// The longest a hold may run.
    static let longestHold: Int64 = 366 * 86_400_000

    /// Holds a unit in stock, or a quantity that is in stock and not held, for a customer or an order.
    /// - Throws: ``InputError`` naming what cannot be held, or ``BatchRejected`` for a unit that is not in stock.
    public func hold(_ request: HoldRequest, context: EventContext) async throws -> Hold {
        let party = try Hold.party(customer: request.customer, order: request.order)
        let now = environment.now()
        guard now < request.until else {
            throw InputError(
                code: .invalidField, message: "a hold must run until a time after now, not \(request.until)")
        }
        guard request.until.millisecondsSince1970 - now.millisecondsSince1970 <= Self.longestHold else {
            throw InputError(code: .invalidField, message: "a hold runs at most a year")
        }
        var hold = Hold(
            id: "H-" + String(environment.newID().uuidString.replacingOccurrences(of: "-", with: "").suffix(10)),
            party: party, sku: "", until: request.until, createdAt: now, actor: context.actor)
        if let scan = request.unit {
            guard request.sku == nil || request.quantity == nil, request.location == nil else {
                throw InputError(code: .invalidField, message: "hold a unit, or a quantity at a location, not both")
            }
            let key = try await unit(scan, product: request.sku)
            guard let state = try await store.states(of: [key])[key], state.status == .inStock else {
                throw BatchRejected(problems: [
                    LineProblem(
                        line: 1, scan: scan,
                        reason: .rule(
                            RuleViolation(
                                rule: .notInStock, unit: key,
                                status: try await store.states(of: [key])[key]?.status, event: .sell,
                                detail: "only a unit in stock can be held")))
                ])
            }
            if let other = try await store.activeHolds(skus: [key.sku], at: now).first(where: { $0.unit == key }) {
                throw InputError(
                    code: .held, message: "\(key) is already held for \(other.party) until \(other.until)")
            }
            hold.sku = key.sku
            hold.serial = key.serial
            hold.lot = state.lot
        } else {
            guard let sku = request.sku, let location = request.location, let text = request.quantity else {
                throw InputError(
                    code: .invalidField, message: "hold a unit, or a product's quantity at a location (and its lot)")
            }
            let product = try await requireProduct(sku)
            _ = try await requirePlace(location)
            let line = try QuantityLine(sku: sku, lot: request.lot, quantity: text, uom: product.uom)
            try StockRules.check(line, product: product)
            let quantity = try Quantity(parsing: line.quantity)
            let key = StockKey(sku: sku, lot: request.lot, location: location)
            let free = try await unheld(key, at: now)
            guard quantity <= free else {
                throw InputError(
                    code: .insufficientStock,
                    message: "only \(free) of \(key) is in stock and not held; \(quantity) asked")
            }
            hold.sku = sku
            hold.lot = request.lot
            hold.location = location
            hold.quantity = quantity
        }
        try await store.insertHold(hold)
        return hold
    }

    /// Releases a hold before it runs out.
    public func releaseHold(id: String) async throws -> Hold {
        guard try await store.closeHold(id: id, at: environment.now(), outcome: .released),
            let hold = try await store.hold(id: id)
        else {
            throw InputError(code: .unknownHold, message: "no open hold '\(Limits.quote(id))'")
        }
        return hold
    }

    /// Holds by id; with `active`, only those that still hold.
    public func holds(active: Bool = true, after id: String? = nil, limit: Int = 100) async throws -> [Hold] {
        try Field.positive(limit, name: "limit", maximum: 10_000)
        return try await store.holds(after: id, limit: limit, activeAt: active ? environment.now() : nil)
    }

    /// What a row holds beyond the quantities held from it.
    func unheld(_ key: StockKey, at time: Timestamp) async throws -> Quantity {
        let level = try await store.stockLevels(of: [key])[key] ?? .zero
        let held = try await store.activeHolds(skus: [key.sku], at: time)
            .filter { $0.location == key.location && ($0.lot ?? "") == key.lot }
            .reduce(Quantity.zero) { $0 + ($1.quantity ?? .zero) }
        return level - held
    }

    /// Where a product can be had, anywhere or at `location` and beneath it: units in stock (with every
    /// attribute in `attributes`) and quantities, each less what is held.
    public func availability(
        sku: String, lot: String? = nil, attributes: [String: String] = [:], location: String? = nil
    ) async throws -> [Availability] {
        let product = try await requireProduct(sku)
        let places = location == nil ? nil : Set(try await subtree(location!))
        let holds = try await store.activeHolds(skus: [sku], at: environment.now())
        var rows: [String: Availability] = [:]
        func add(lot: String?, location: String, _ quantity: Quantity, held: Bool) {
            let id = "\(location)\u{0}\(lot ?? "")"
            var row = rows[id] ?? Availability(sku: sku, lot: lot, location: location, available: .zero, held: .zero)
            if held { row.held += quantity } else { row.available += quantity }
            rows[id] = row
        }
        if product.tracking == .serialized {
            let heldUnits = Set(holds.compactMap(\.unit))
            var after: UnitKey?
            while true {
                let page = try await store.find(
                    UnitQuery(
                        sku: sku, status: .inStock, location: location, attributes: attributes, lot: lot,
                        after: after, limit: 5_000))
                for state in page {
                    add(
                        lot: state.lot, location: state.location, Quantity(whole: 1),
                        held: heldUnits.contains(state.key))
                }
                guard page.count == 5_000, let last = page.last else { break }
                after = last.key
            }
        } else {
            guard attributes.isEmpty else {
                throw InputError(
                    code: .invalidField, message: "attributes belong to serialized units; \(sku) is counted")
            }
            for level in try await store.stockLevels(
                QuantityQuery(sku: sku, lot: lot, locations: places.map { Array($0) } ?? [], state: .available))
            {
                let lotCode = level.key.lot.isEmpty ? nil : level.key.lot
                let held = holds.filter { $0.location == level.key.location && $0.lot == lotCode }
                    .reduce(Quantity.zero) { $0 + ($1.quantity ?? .zero) }
                add(lot: lotCode, location: level.key.location, min(held, level.quantity), held: true)
                add(lot: lotCode, location: level.key.location, max(.zero, level.quantity - held), held: false)
            }
        }
        return rows.values.sorted { ($0.location, $0.lot ?? "") < ($1.location, $1.lot ?? "") }
    }

    /// The holds a batch of sales and shipments to customers must respect: a held unit or quantity goes only
    /// to the party it is held for, whose hold the sale fulfils. Returns the refusals, and the holds fulfilled.
    func holdProblems(_ drafts: [Draft]) async throws -> (problems: [LineProblem], fulfilled: [String]) {
        let selling = drafts.filter { $0.expected == nil && $0.event.epcis == nil && StockRules.handsOver($0.event) }
        guard !selling.isEmpty else { return ([], []) }
        var skus = Set<String>()
        for draft in selling {
            for line in draft.event.units { skus.insert(line.sku) }
            for line in draft.event.quantities ?? [] { skus.insert(line.sku) }
        }
        let holds = try await store.activeHolds(skus: skus, at: selling.map(\.event.occurredAt).min()!)
        guard !holds.isEmpty else { return ([], []) }
        var problems: [LineProblem] = []
        var fulfilled: [String] = []
        var unitHolds: [UnitKey: Hold] = [:]
        for hold in holds { if let unit = hold.unit { unitHolds[unit] = hold } }
        for draft in selling {
            let parties = Hold.parties(of: draft.event)
            for (index, line) in draft.event.units.enumerated() {
                guard let hold = unitHolds[line.unit], hold.isActive(at: draft.event.occurredAt) else { continue }
                if parties.contains(hold.party) {
                    fulfilled.append(hold.id)
                } else {
                    problems.append(
                        LineProblem(
                            line: draft.lineNumbers[index], scan: draft.scans[index],
                            reason: .rule(
                                RuleViolation(
                                    rule: .held, unit: line.unit, status: .inStock, event: draft.event.kind,
                                    detail: "held for \(hold.party) until \(hold.until)"))))
                }
            }
            for (index, line) in (draft.event.quantities ?? []).enumerated() {
                guard let source = draft.event.source else { continue }
                let key = StockKey(sku: line.sku, lot: line.lot, location: source)
                let onRow = holds.filter {
                    $0.location == source && $0.sku == line.sku && $0.lot == line.lot
                        && $0.isActive(at: draft.event.occurredAt)
                }
                guard !onRow.isEmpty, let wanted = try? Quantity(parsing: line.quantity) else { continue }
                let mine = onRow.filter { parties.contains($0.party) }
                fulfilled += mine.map(\.id)
                let others = onRow.filter { !parties.contains($0.party) }.reduce(Quantity.zero) {
                    $0 + ($1.quantity ?? .zero)
                }
                let level = try await store.stockLevels(of: [key])[key] ?? .zero
                if level - wanted < others {
                    problems.append(
                        LineProblem(
                            line: index + 1, scan: "\(line.sku)\(line.lot.map { " lot \($0)" } ?? "")",
                            reason: .invalid(
                                InputError(
                                    code: .held,
                                    message:
                                        "only \(max(.zero, level - others)) of \(key) is not held for others; \(wanted) asked"
                                ))))
                }
            }
        }
        return (problems, fulfilled)
    }
}
