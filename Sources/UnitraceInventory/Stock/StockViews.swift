import UnitraceCore

/// The JSON the CLI's `--json` and the API give for the stock of lot-tracked and bulk products. Quantities
/// are decimal strings (`"12.5"`), exact as stored; dates are `YYYY-MM-DD`.
public struct StockLevelJSON: Encodable, Sendable, Equatable {
    public var product: String
    public var lot: String?
    public var location: String
    public var state: String
    public var quantity: String
    public var expiry: String?

    public init(_ level: StockLevel) {
        product = level.key.sku
        lot = level.key.lot.isEmpty ? nil : level.key.lot
        location = level.key.location
        state = level.key.state.rawValue
        quantity = level.quantity.description
        expiry = level.expiry?.description
    }
}

public struct LotJSON: Encodable, Sendable, Equatable {
    public var product: String
    public var lot: String
    public var madeOn: String?
    public var expiry: String?
    public var bestBefore: String?
    public var supplier: String?
    public var run: String?

    public init(_ lot: Lot) {
        product = lot.sku
        self.lot = lot.code
        madeOn = lot.madeOn?.description
        expiry = lot.expiry?.description
        bestBefore = lot.bestBefore?.description
        supplier = lot.supplier
        run = lot.run
    }
}

public struct QuantityLineJSON: Encodable, Sendable, Equatable {
    public var product: String
    public var lot: String?
    public var quantity: String
    public var uom: String?

    public init(_ line: QuantityLine) {
        product = line.sku
        lot = line.lot
        quantity = line.quantity
        uom = line.uom
    }
}

public struct StockOutcomeJSON: Encodable, Sendable {
    public var event: String
    public var sequence: Int64
    public var hash: String
    public var from: String?
    public var to: String?
    public var destination: String?
    public var lines: [QuantityLineJSON]
    public var lotsDefined: [LotJSON]

    public init(_ outcome: StockOutcome) {
        event = outcome.kind.rawValue
        sequence = outcome.receipt.lastSequence
        hash = outcome.receipt.lastHash
        from = outcome.source
        to = [.ship, .sell, .scrap, .lost].contains(outcome.kind) ? nil : outcome.location
        destination = outcome.destination
        lines = outcome.lines.map(QuantityLineJSON.init)
        lotsDefined = outcome.lots.map(LotJSON.init)
    }
}

public struct PickListJSON: Encodable, Sendable {
    public struct Line: Encodable, Sendable {
        public var product: String
        public var lot: String?
        public var unit: String?
        public var location: String
        public var quantity: String
        public var expiry: String?
    }

    public struct Short: Encodable, Sendable {
        public var product: String
        public var quantity: String
    }

    public var lines: [Line]
    public var short: [Short]

    public init(_ list: PickList) {
        lines = list.lines.map {
            Line(
                product: $0.sku, lot: $0.lot, unit: $0.unit?.description, location: $0.location,
                quantity: $0.quantity.description, expiry: $0.expiry?.description)
        }
        short = list.short.sorted { $0.key < $1.key }.map { Short(product: $0.key, quantity: $0.value.description) }
    }
}

public struct ExpiringJSON: Encodable, Sendable {
    public var product: String
    public var lot: String?
    public var location: String
    public var expiry: String
    public var quantity: String
    /// `units` when the quantity counts serialized units, else the product's stock of the lot.
    public var counts: String

    public init(_ item: ExpiringStock) {
        product = item.sku
        lot = item.lot.isEmpty ? nil : item.lot
        location = item.location
        expiry = item.expiry.description
        quantity = item.quantity.description
        counts = item.units ? "units" : "quantity"
    }
}

public struct ReorderJSON: Encodable, Sendable {
    public var product: String
    public var location: String
    public var reorderPoint: String
    public var reorderQuantity: String
    public var available: String
    public var inTransit: String
    public var dailySales: String
    public var daysOfCover: Int?
    public var order: String

    public init(_ line: ReorderLine) {
        product = line.rule.sku
        location = line.rule.location
        reorderPoint = line.rule.point.description
        reorderQuantity = line.rule.quantity.description
        available = line.available.description
        inTransit = line.inTransit.description
        dailySales = line.dailySales.description
        daysOfCover = line.daysOfCover
        order = line.order.description
    }
}

public struct ReorderRuleJSON: Encodable, Sendable {
    public var product: String
    public var location: String
    public var reorderPoint: String
    public var reorderQuantity: String

    public init(_ rule: ReorderRule) {
        product = rule.sku
        location = rule.location
        reorderPoint = rule.point.description
        reorderQuantity = rule.quantity.description
    }
}

public struct SalesJSON: Encodable, Sendable {
    public var product: String
    public var location: String
    public var channel: String
    public var quantity: String

    public init(_ line: SalesLine) {
        product = line.sku
        location = line.location
        channel = line.channel
        quantity = line.quantity.description
    }
}
