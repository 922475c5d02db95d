import UnitraceCore

/// One line of a quantity event as a person or a client gives it.
public struct StockLineRequest: Hashable, Sendable {
    public var sku: String
    public var lot: String?
    /// A decimal, as typed (`12`, `2.5`).
    public var quantity: String
    /// For a receipt that brings in a new lot: its dates and origin.
    public var details: LotDetails?

    public init(sku: String, lot: String? = nil, quantity: String, details: LotDetails? = nil) {
        self.sku = sku
        self.lot = lot
        self.quantity = quantity
        self.details = details
    }
}

/// What a receipt says about a lot it brings in.
public struct LotDetails: Hashable, Sendable, Codable {
    public var madeOn: CalendarDay?
    public var expiry: CalendarDay?
    public var bestBefore: CalendarDay?
    public var supplier: String?
    public var run: String?

    public init(
        madeOn: CalendarDay? = nil, expiry: CalendarDay? = nil, bestBefore: CalendarDay? = nil,
        supplier: String? = nil, run: String? = nil
    ) {
        self.madeOn = madeOn
        self.expiry = expiry
        self.bestBefore = bestBefore
        self.supplier = supplier
        self.run = run
    }

    public var isEmpty: Bool { self == LotDetails() }
}

/// What a quantity event recorded.
public struct StockOutcome: Hashable, Sendable {
    public var receipt: BatchReceipt
    public var kind: EventKind
    public var lines: [QuantityLine]
    /// The lots the event defined.
    public var lots: [Lot]
    public var source: String?
    public var location: String?
    public var destination: String?

    public init(
        receipt: BatchReceipt, kind: EventKind, lines: [QuantityLine], lots: [Lot], source: String?,
        location: String?, destination: String?
    ) {
        self.receipt = receipt
        self.kind = kind
        self.lines = lines
        self.lots = lots
        self.source = source
        self.location = location
        self.destination = destination
    }
}

extension Inventory {
    /// Receives quantities of lot-tracked or bulk products at a location. A lot not yet known is defined by
    /// this receipt, with the dates given (its expiry from the product's shelf life when only made-on is given).
    /// - Throws: ``InputError`` or ``BatchRejected``; nothing is written.
    public func receiveStock(_ lines: [StockLineRequest], at location: String, context: EventContext) async throws
        -> StockOutcome
    {
        try await retryingConflicts {
            _ = try await requirePlace(location)
            return try await recordStock(.receive, lines, context: context, location: location)
        }
    }

    /// Moves quantities between two places of ours (bins, zones, sites) without a shipment.
    public func moveStock(_ lines: [StockLineRequest], from source: String, to location: String, context: EventContext)
        async throws -> StockOutcome
    {
        try await retryingConflicts {
            _ = try await requirePlace(source)
            _ = try await requirePlace(location)
            return try await recordStock(.move, lines, context: context, location: location, source: source)
        }
    }

    /// Ships quantities from a location to another of ours (in transit until they arrive) or to a customer.
    public func shipStock(
        _ lines: [StockLineRequest], from source: String, toLocation: String? = nil, toCustomer: String? = nil,
        context: EventContext
    ) async throws -> StockOutcome {
        try await retryingConflicts {
            _ = try await requirePlace(source)
            let destination = try await shipDestination(toLocation: toLocation, toCustomer: toCustomer)
            return try await recordStock(
                .ship, lines, context: context, location: source, source: source, destination: destination)
        }
    }

    /// Records that quantities shipped to `headedTo` (by default `location`) arrived at `location`.
    public func arriveStock(
        _ lines: [StockLineRequest], at location: String, headedTo: String? = nil, context: EventContext
    ) async throws -> StockOutcome {
        try await retryingConflicts {
            _ = try await requirePlace(location)
            if let headedTo { _ = try await requirePlace(headedTo) }
            return try await recordStock(
                .arrive, lines, context: context, location: location, source: headedTo ?? location)
        }
    }

    /// Sells quantities taken from a location: a store sale (`store:<code>`, taken from that store unless
    /// `source` says otherwise) or an online one (`source` required).
    public func sellStock(_ lines: [StockLineRequest], from source: String?, sale: Sale?, context: EventContext)
        async throws -> StockOutcome
    {
        try await retryingConflicts {
            guard let sale else {
                throw InputError(code: .saleRequired, message: "a sale needs its channel: online or store:<location>")
            }
            guard let from = source ?? sale.storeCode else {
                throw InputError(
                    code: .invalidField, message: "an online sale of a quantity needs the location it is taken from")
            }
            _ = try await requirePlace(from)
            return try await recordStock(
                .sell, lines, context: context, location: sale.storeCode ?? from, source: from, sale: sale)
        }
    }

    /// Takes quantities back from customers at a location.
    public func returnStock(_ lines: [StockLineRequest], to location: String, context: EventContext) async throws
        -> StockOutcome
    {
        try await retryingConflicts {
            _ = try await requirePlace(location)
            return try await recordStock(.return, lines, context: context, location: location)
        }
    }

    /// Destroys quantities taken from a location.
    public func scrapStock(_ lines: [StockLineRequest], from source: String, context: EventContext) async throws
        -> StockOutcome
    {
        try await retryingConflicts {
            _ = try await requirePlace(source)
            return try await recordStock(.scrap, lines, context: context, location: source, source: source)
        }
    }

    /// Sets a row to what was counted (`to`), or changes it by a signed amount (`by`): a `found` event for
    /// more, a `lost` one for less, with the reason.
    public func adjustStock(
        sku: String, lot: String?, at location: String, to target: String? = nil, by change: String? = nil,
        context: EventContext
    ) async throws -> StockOutcome {
        try await retryingConflicts {
            _ = try await requirePlace(location)
            let key = StockKey(sku: sku, lot: lot, location: location)
            let delta: Quantity
            switch (target, change) {
            case (let target?, nil):
                let counted = try Quantity(parsing: target, name: "counted quantity")
                guard counted >= .zero else {
                    throw InputError(code: .invalidField, message: "a counted quantity cannot be below zero")
                }
                delta = counted - (try await store.stockLevels(of: [key])[key] ?? .zero)
            case (nil, let change?):
                delta = try Quantity(parsing: change, name: "adjustment")
            default:
                throw InputError(
                    code: .invalidField, message: "adjust needs exactly one of: the counted quantity, or the change")
            }
            guard delta != .zero else {
                throw InputError(code: .nothingToDo, message: "\(key) already holds that quantity; nothing to adjust")
            }
            let line = StockLineRequest(sku: sku, lot: lot, quantity: (delta < .zero ? -delta : delta).description)
            return delta > .zero
                ? try await recordStock(.found, [line], context: context, location: location)
                : try await recordStock(.lost, [line], context: context, location: location, source: location)
        }
    }

    /// Builds one event of quantity lines, defines the new lots a receipt brings in, validates and commits.
    func recordStock(
        _ kind: EventKind, _ requests: [StockLineRequest], context: EventContext, location: String?,
        source: String? = nil, destination: String? = nil, sale: Sale? = nil
    ) async throws -> StockOutcome {
        guard !requests.isEmpty else {
            throw InputError(code: .nothingToDo, message: "no quantities given: name a product and a quantity")
        }
        let (lines, defined) = try await quantityLines(kind, requests)
        var event = newEvent(
            kind, context: context, location: location, destination: destination, sale: sale, lines: [])
        event.source = source
        event.quantities = lines
        event.lots = defined.isEmpty ? nil : defined
        event.disposition = Self.disposition(of: kind)
        var draft = Draft(event: event, lineNumbers: [], scans: [])
        draft.deriveDisposition = false
        let receipt = try await commit([draft])
        return StockOutcome(
            receipt: receipt, kind: kind, lines: lines, lots: defined, source: source, location: location,
            destination: destination)
    }

    /// Checks the quantity lines of an event of `kind` against their products, and, for a receipt, gives
    /// the lots it brings in that the ledger does not know yet (with their dates).
    func quantityLines(_ kind: EventKind, _ requests: [StockLineRequest]) async throws -> (
        lines: [QuantityLine], defined: [Lot]
    ) {
        var products: [String: Product] = [:]
        var lines: [QuantityLine] = []
        var seen = Set<LotKey>()
        var wanted: [LotKey: LotDetails] = [:]
        for request in requests {
            let product: Product
            if let known = products[request.sku] {
                product = known
            } else {
                product = try await requireProduct(request.sku)
                products[request.sku] = product
            }
            let line = try QuantityLine(
                sku: request.sku, lot: request.lot, quantity: request.quantity, uom: product.uom)
            try StockRules.check(line, product: product)
            let key = LotKey(sku: request.sku, code: request.lot ?? "")
            guard seen.insert(key).inserted else {
                let lot = request.lot.map { " lot \($0)" } ?? ""
                throw InputError(
                    code: .invalidField, message: "\(request.sku)\(lot) is given twice; give each product and lot once")
            }
            if let details = request.details, !details.isEmpty {
                guard kind == .receive, request.lot != nil else {
                    throw InputError(
                        code: .invalidField, message: "lot dates and origin are given when a receipt brings a lot in")
                }
                wanted[key] = details
            }
            lines.append(line)
        }
        var defined: [Lot] = []
        if kind == .receive {
            let lotKeys = Set(lines.compactMap { line in line.lot.map { LotKey(sku: line.sku, code: $0) } })
            let known = try await store.lots(lotKeys)
            for key in lotKeys.sorted() {
                let details = wanted[key]
                if let lot = known[key] {
                    if let details, !details.matches(lot) {
                        throw InputError(
                            code: .lotMismatch,
                            message:
                                "lot \(key.code) of \(key.sku) is already known with \(lot.summary); a receipt cannot change it"
                        )
                    }
                    continue
                }
                let given = details ?? LotDetails()
                defined.append(
                    try Lot(
                        sku: key.sku, code: key.code, madeOn: given.madeOn, expiry: given.expiry,
                        bestBefore: given.bestBefore, supplier: given.supplier, run: given.run
                    ).validated(for: products[key.sku]!))
            }
        }
        return (lines, defined)
    }

    /// The CBV disposition of the quantities after a quantity event.
    static func disposition(of kind: EventKind) -> String? {
        switch kind {
        case .receive, .move, .arrive, .found, .return: UnitStatus.inStock.disposition
        case .ship: UnitStatus.inTransit.disposition
        case .sell: UnitStatus.sold.disposition
        case .scrap: UnitStatus.scrapped.disposition
        case .lost: UnitStatus.missing.disposition
        default: nil
        }
    }
}

extension LotDetails {
    /// Whether every detail given agrees with what the lot has.
    func matches(_ lot: Lot) -> Bool {
        (madeOn == nil || madeOn == lot.madeOn) && (expiry == nil || expiry == lot.expiry)
            && (bestBefore == nil || bestBefore == lot.bestBefore) && (supplier == nil || supplier == lot.supplier)
            && (run == nil || run == lot.run)
    }
}

extension Lot {
    /// Its dates and origin in words, for messages.
    public var summary: String {
        var parts: [String] = []
        if let madeOn { parts.append("made on \(madeOn)") }
        if let expiry { parts.append("expiry \(expiry)") }
        if let bestBefore { parts.append("best before \(bestBefore)") }
        if let supplier { parts.append("supplier \(supplier)") }
        if let run { parts.append("run \(run)") }
        return parts.isEmpty ? "no dates" : parts.joined(separator: ", ")
    }
}
