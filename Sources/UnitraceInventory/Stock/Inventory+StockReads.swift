import UnitraceCore

/// One suggestion of a pick list: where to take how much of what.
public struct PickLine: Hashable, Sendable {
    public var sku: String
    /// The lot, for a lot-tracked product (or a serialized unit that carries one).
    public var lot: String?
    /// The unit, for a serialized product.
    public var unit: UnitKey?
    public var location: String
    public var quantity: Quantity
    public var expiry: CalendarDay?

    public init(
        sku: String, lot: String?, unit: UnitKey?, location: String, quantity: Quantity, expiry: CalendarDay?
    ) {
        self.sku = sku
        self.lot = lot
        self.unit = unit
        self.location = location
        self.quantity = quantity
        self.expiry = expiry
    }
}

/// What to pick for an order: the lines, first-expired-first-out, and what could not be found.
public struct PickList: Hashable, Sendable {
    public var lines: [PickLine]
    /// Per product, how much is missing to fill the order.
    public var short: [String: Quantity]

    public init(lines: [PickLine], short: [String: Quantity]) {
        self.lines = lines
        self.short = short
    }
}

/// One product of an order to pick.
public struct PickRequest: Hashable, Sendable {
    public var sku: String
    public var quantity: String
    /// Only this lot; refused when it has expired.
    public var lot: String?

    public init(sku: String, quantity: String, lot: String? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.lot = lot
    }
}

/// What `reorder` suggests for one product at one location.
public struct ReorderLine: Hashable, Sendable {
    public var rule: ReorderRule
    public var available: Quantity
    public var inTransit: Quantity
    /// Sold per day over the window.
    public var dailySales: Quantity
    /// Days the stock (with what is on its way) lasts at that speed; `nil` when nothing sold.
    public var daysOfCover: Int?
    /// How much to order; zero when the stock is above the reorder point.
    public var order: Quantity

    public init(
        rule: ReorderRule, available: Quantity, inTransit: Quantity, dailySales: Quantity, daysOfCover: Int?,
        order: Quantity
    ) {
        self.rule = rule
        self.available = available
        self.inTransit = inTransit
        self.dailySales = dailySales
        self.daysOfCover = daysOfCover
        self.order = order
    }
}

/// Sales of a product at one place through one channel over a period.
public struct SalesLine: Hashable, Sendable {
    public var sku: String
    public var location: String
    public var channel: String
    public var quantity: Quantity

    public init(sku: String, location: String, channel: String, quantity: Quantity) {
        self.sku = sku
        self.location = location
        self.channel = channel
        self.quantity = quantity
    }
}

extension Inventory {
    /// The codes of `code` and every location beneath it. - Throws: ``InputError`` for an unknown location.
    func subtree(_ code: String) async throws -> [String] {
        let all = try await store.locations()
        guard all.contains(where: { $0.code == code }) else {
            throw InputError(code: .unknownLocation, message: "unknown location '\(Limits.quote(code))'")
        }
        var children: [String: [String]] = [:]
        for location in all { if let parent = location.parent { children[parent, default: []].append(location.code) } }
        var found: [String] = []
        var queue = [code]
        while let next = queue.popLast() {
            found.append(next)
            queue += children[next] ?? []
        }
        return found.sorted()
    }

    /// Quantities of lot-tracked and bulk products, by product, lot, location and state.
    public func stockLevels(sku: String? = nil, lot: String? = nil, location: String? = nil, state: StockState? = nil)
        async throws -> [StockLevel]
    {
        if let sku { _ = try await requireProduct(sku) }
        let locations = location == nil ? [] : try await subtree(location!)
        return try await store.stockLevels(QuantityQuery(sku: sku, lot: lot, locations: locations, state: state))
    }

    /// A product's lots, or one of them.
    public func lots(sku: String, code: String? = nil) async throws -> [Lot] {
        _ = try await requireProduct(sku)
        guard let code else { return try await store.lots(sku: sku) }
        guard let lot = try await store.lots([LotKey(sku: sku, code: code)]).values.first else {
            throw InputError(code: .unknownLot, message: "lot '\(Limits.quote(code))' of \(sku) is not known")
        }
        return [lot]
    }

    /// Stock whose expiry falls within `days` from today (or has passed), lots and serialized units alike,
    /// at `location` and beneath it, by expiry then location.
    public func expiring(within days: Int, location: String? = nil, limit: Int = 10_000) async throws
        -> [ExpiringStock]
    {
        try Field.positive(days, name: "days", minimum: 0, maximum: 36_600)
        let places = location == nil ? nil : Set(try await subtree(location!))
        let today = CalendarDay(environment.now())
        let found = try await store.expiring(through: today.adding(days: Int64(days)), limit: limit)
        return found.filter { places?.contains($0.location) ?? true }.sorted {
            ($0.expiry, $0.location, $0.sku, $0.lot) < ($1.expiry, $1.location, $1.sku, $1.lot)
        }
    }

    /// What to pick for an order at `location` (and beneath it): for a lot product its lots
    /// first-expired-first-out, never an expired one; for a bulk product the rows that hold it; for a
    /// serialized product exact units in stock, those that expire first first. Writes nothing.
    /// - Throws: ``InputError`` `expired` when the order names an expired lot.
    public func pick(_ requests: [PickRequest], at location: String? = nil) async throws -> PickList {
        guard !requests.isEmpty else {
            throw InputError(code: .nothingToDo, message: "nothing to pick: name a product and a quantity")
        }
        // The place, the catalogue, the open holds and each product's first candidates are read at once: over
        // a network each is a round trip, and most picks need no more. The store resolves the place's subtree
        // in the candidates' own query.
        let now = environment.now()
        let today = CalendarDay(now)
        async let placeRead = location == nil ? nil : requirePlace(location!)
        async let holdsRead = store.activeHolds(skus: Set(requests.map(\.sku)), at: now)
        async let catalogueRead = store.products()
        async let firstPagesRead = firstPickPages(Set(requests.map(\.sku)), under: location, today: today)
        let (_, holds, catalogue, firstPages) = try await (placeRead, holdsRead, catalogueRead, firstPagesRead)
        let heldUnits = Set(holds.compactMap(\.unit))
        var lines: [PickLine] = []
        var short: [String: Quantity] = [:]
        for request in requests {
            guard let product = catalogue.first(where: { $0.sku == request.sku }) else {
                throw InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(request.sku))'")
            }
            let wanted = try Quantity(parsing: request.quantity)
            guard wanted.isPositive else {
                throw InputError(code: .invalidField, message: "quantity of \(request.sku) must be more than zero")
            }
            if product.tracking == .bulk, let lot = request.lot {
                throw InputError(
                    code: .wrongTrackingMode,
                    message:
                        "product '\(Limits.quote(product.sku))' is bulk: it has no lots, so lot '\(Limits.quote(lot))' cannot be given"
                )
            }
            if let code = request.lot, product.tracking == .lot {
                guard let lot = try await store.lots([LotKey(sku: product.sku, code: code)]).values.first else {
                    throw InputError(
                        code: .unknownLot, message: "lot '\(Limits.quote(code))' of \(product.sku) is not known")
                }
                if lot.isExpired(on: today), let expiry = lot.expiry {
                    throw InputError(
                        code: .expired,
                        message: "lot \(code) of \(product.sku) expired on \(expiry): it cannot be picked")
                }
            }
            var remaining = wanted
            if product.tracking == .serialized {
                guard wanted.isWhole else {
                    throw InputError(
                        code: .invalidField, message: "\(product.sku) is counted in whole units, not \(wanted)")
                }
                let units = try await store.find(
                    UnitQuery(sku: product.sku, status: .inStock, location: location, lot: request.lot, limit: 100_000))
                let usable = units.compactMap { state -> (UnitState, CalendarDay?)? in
                    let expiry = state.expiry.flatMap { try? CalendarDay(parsing: $0) }
                    if let expiry, expiry < today { return nil }
                    if heldUnits.contains(state.key) { return nil }
                    // A packed unit is picked by unpacking its container first.
                    if state.container != nil { return nil }
                    return (state, expiry)
                }.sorted { a, b in
                    let (x, y) = (a.1 ?? CalendarDay(daysSince1970: .max), b.1 ?? CalendarDay(daysSince1970: .max))
                    return x != y ? x < y : a.0.key < b.0.key
                }
                for (state, expiry) in usable where remaining > .zero {
                    lines.append(
                        PickLine(
                            sku: product.sku, lot: state.lot, unit: state.key, location: state.location,
                            quantity: Quantity(whole: 1), expiry: expiry))
                    remaining -= Quantity(whole: 1)
                }
            } else {
                var cursor: PickCursor?
                var prefetched = firstPages[product.sku]
                walk: while remaining > .zero {
                    let page: [StockLevel]
                    if let first = prefetched {
                        page = first
                        prefetched = nil
                    } else {
                        page = try await store.pickCandidates(
                            sku: product.sku, under: location, notExpiredBefore: today, after: cursor,
                            limit: Self.pickPage)
                    }
                    for level in page {
                        cursor = PickCursor(expiry: level.expiry, lot: level.key.lot, location: level.key.location)
                        if let lot = request.lot, level.key.lot != lot { continue }
                        let held = holds.filter {
                            $0.location == level.key.location && ($0.lot ?? "") == level.key.lot
                        }.reduce(Quantity.zero) { $0 + ($1.quantity ?? .zero) }
                        let take = min(level.quantity - held, remaining)
                        guard take > .zero else { continue }
                        lines.append(
                            PickLine(
                                sku: product.sku, lot: level.key.lot.isEmpty ? nil : level.key.lot, unit: nil,
                                location: level.key.location, quantity: take, expiry: level.expiry))
                        remaining -= take
                        if remaining == .zero { break walk }
                    }
                    if page.count < Self.pickPage { break }
                }
            }
            if remaining > .zero { short[product.sku, default: .zero] += remaining }
        }
        return PickList(lines: lines, short: short)
    }

    /// How many candidate rows a pick reads at a time.
    static let pickPage = 64

    /// The first page of pick candidates at `location` and beneath it (anywhere when nil), for each of
    /// `skus`, read at once.
    private func firstPickPages(_ skus: Set<String>, under location: String?, today: CalendarDay) async throws
        -> [String: [StockLevel]]
    {
        try await withThrowingTaskGroup(of: (String, [StockLevel]).self) { group in
            for sku in skus {
                group.addTask {
                    (
                        sku,
                        try await store.pickCandidates(
                            sku: sku, under: location, notExpiredBefore: today, after: nil, limit: Self.pickPage)
                    )
                }
            }
            var pages: [String: [StockLevel]] = [:]
            for try await (sku, page) in group { pages[sku] = page }
            return pages
        }
    }

    /// Sets when to reorder a product for a location and how much.
    public func setReorderRule(sku: String, location: String, point: String, quantity: String) async throws
        -> ReorderRule
    {
        let product = try await requireProduct(sku)
        _ = try await requirePlace(location)
        let point = try Quantity(parsing: point, name: "reorder point")
        let amount = try Quantity(parsing: quantity, name: "reorder quantity")
        guard point >= .zero else {
            throw InputError(code: .invalidField, message: "a reorder point cannot be below zero")
        }
        guard amount.isPositive else {
            throw InputError(code: .invalidField, message: "a reorder quantity must be more than zero")
        }
        if !MeasureUnit.allowsDecimals(product.uom), !point.isWhole || !amount.isWhole {
            throw InputError(code: .invalidField, message: "\(sku) is counted in whole pieces")
        }
        let rule = ReorderRule(sku: sku, location: location, point: point, quantity: amount)
        try await store.setReorderRule(rule)
        return rule
    }

    /// For every reorder rule (at `location` and beneath it): the stock there, what is on its way, the sales
    /// speed over the last `window` days, and how much to order when stock and transit are at or below the
    /// reorder point (the rule's quantity, or more if that does not reach the point).
    public func reorder(location: String? = nil, window: Int = 28) async throws -> [ReorderLine] {
        try Field.positive(window, name: "sales window days", maximum: 3660)
        let places = location == nil ? nil : Set(try await subtree(location!))
        let rules = try await store.reorderRules().filter { places?.contains($0.location) ?? true }
        guard !rules.isEmpty else { return [] }
        let today = CalendarDay(environment.now())
        let sales = try await store.sales(sku: nil, days: today.adding(days: Int64(1 - window))...today)
        var lines: [ReorderLine] = []
        for rule in rules {
            let product = try await requireProduct(rule.sku)
            var available = Quantity.zero
            var inTransit = Quantity.zero
            if product.tracking == .serialized {
                for line in try await store.stock(StockQuery(sku: rule.sku, location: rule.location))
                where line.location == rule.location {
                    if line.status == .inStock { available += Quantity(whole: Int64(line.count)) }
                }
            } else {
                for level in try await store.stockLevels(QuantityQuery(sku: rule.sku, locations: [rule.location])) {
                    // Packed stock is on the shelf too: it counts towards the position, not as on its way.
                    if level.key.state != .inTransit {
                        available += level.quantity
                    } else {
                        inTransit += level.quantity
                    }
                }
            }
            let sold = sales.filter { $0.key.sku == rule.sku && $0.key.location == rule.location }
                .reduce(Quantity.zero) { $0 + $1.value }
            let daily = Quantity(thousandths: sold.thousandths / Int64(window))
            let position = available + inTransit
            let cover = daily.isPositive ? Int(position.thousandths / daily.thousandths) : nil
            var order = Quantity.zero
            if position <= rule.point {
                order = max(rule.quantity, rule.point - position + Quantity(whole: 1))
                if !MeasureUnit.allowsDecimals(product.uom), !order.isWhole {
                    order = Quantity(whole: order.thousandths / 1000 + 1)
                }
            }
            lines.append(
                ReorderLine(
                    rule: rule, available: available, inTransit: inTransit, dailySales: daily, daysOfCover: cover,
                    order: order))
        }
        return lines
    }

    /// What sold from `from` to `until` (both days included), by product, location and channel, the most first.
    public func sales(sku: String? = nil, from: CalendarDay, until: CalendarDay) async throws -> [SalesLine] {
        if let sku { _ = try await requireProduct(sku) }
        guard from <= until else {
            throw InputError(code: .invalidField, message: "the period ends (\(until)) before it starts (\(from))")
        }
        var totals: [SalesLine: Quantity] = [:]
        for (key, quantity) in try await store.sales(sku: sku, days: from...until) {
            totals[
                SalesLine(sku: key.sku, location: key.location, channel: key.channel, quantity: .zero), default: .zero] +=
                quantity
        }
        return totals.map { line, quantity in
            var line = line
            line.quantity = quantity
            return line
        }.sorted { ($1.quantity, $0.sku, $0.location, $0.channel) < ($0.quantity, $1.sku, $1.location, $1.channel) }
    }
}
