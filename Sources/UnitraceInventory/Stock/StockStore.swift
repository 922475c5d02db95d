import UnitraceCore

/// The stock of lot-tracked and bulk products: lots, the quantity projection (``StockMovements``), the sales
/// tally, and the reorder rules. Quantities change only with the ledger's events, in the batch's transaction
/// (``ProjectionChange/stock(item:_:)``).
public protocol StockStore: Sendable {
    /// The lots with these (SKU, code) keys that exist.
    func lots(_ keys: Set<LotKey>) async throws -> [LotKey: Lot]
    /// A product's lots, by code.
    func lots(sku: String) async throws -> [Lot]
    /// The lots a production made from `input` (a lot, or a bulk product with an empty code), by product
    /// and code: read from the index of the lots' inputs.
    func lots(madeFrom input: LotKey) async throws -> [LotKey]
    /// The quantities in `keys`' rows (a row that is not there holds zero and is left out).
    func stockLevels(of keys: Set<StockKey>) async throws -> [StockKey: Quantity]
    /// The rows that match `query`, by SKU, lot, location and state.
    func stockLevels(_ query: QuantityQuery) async throws -> [StockLevel]
    /// Available rows of `sku` at `location` and beneath it (anywhere when nil; none when it is not known)
    /// whose lot has not expired before `day`, in first-expired-first-out order (lots without an expiry
    /// last, then by lot and location), at most `limit`, after `cursor`. One query: the store resolves the
    /// subtree itself.
    func pickCandidates(
        sku: String, under location: String?, notExpiredBefore day: CalendarDay, after cursor: PickCursor?,
        limit: Int
    ) async throws -> [StockLevel]
    /// Available rows whose lot expires on or before `day`, by expiry; and units in stock with an expiry on or
    /// before `day`, counted by product, lot and location.
    func expiring(through day: CalendarDay, limit: Int) async throws -> [ExpiringStock]
    /// Every row, in key order, after `key`, at most `limit`: what `verify` compares with the ledger.
    func allStockLevels(after key: StockKey?, limit: Int) async throws -> [StockLevel]
    /// Replaces the whole projection (lots, quantities and sales) with what the ledger gives: the repair
    /// ``Inventory/rebuild()`` makes.
    func replaceStock(with totals: Projections.StockTotals) async throws
    /// The sales tally rows for days in `days`, of `sku` when given.
    func sales(sku: String?, days: ClosedRange<CalendarDay>) async throws -> [SalesKey: Quantity]
    /// Every sales tally row.
    func allSales() async throws -> [SalesKey: Quantity]
    /// The unit tally: units by product, location and status (``ProjectionChange/unitCount(_:delta:)``).
    func unitCounts() async throws -> [UnitCountKey: Int]
    /// Counts the unit rows again into the tally: the repair ``Inventory/rebuild()`` makes.
    func recountUnits() async throws
    func setReorderRule(_ rule: ReorderRule) async throws
    func reorderRules() async throws -> [ReorderRule]
}

public struct LotKey: Hashable, Sendable, Comparable {
    public var sku: String
    public var code: String

    public init(sku: String, code: String) {
        self.sku = sku
        self.code = code
    }

    public static func < (lhs: LotKey, rhs: LotKey) -> Bool { (lhs.sku, lhs.code) < (rhs.sku, rhs.code) }
}

/// One row of the stock projection, with its lot's expiry.
public struct StockLevel: Hashable, Sendable {
    public var key: StockKey
    public var quantity: Quantity
    public var expiry: CalendarDay?

    public init(key: StockKey, quantity: Quantity, expiry: CalendarDay? = nil) {
        self.key = key
        self.quantity = quantity
        self.expiry = expiry
    }
}

/// Where a first-expired-first-out walk stopped: the last row it read.
public struct PickCursor: Hashable, Sendable {
    public var expiry: CalendarDay?
    public var lot: String
    public var location: String

    public init(expiry: CalendarDay?, lot: String, location: String) {
        self.expiry = expiry
        self.lot = lot
        self.location = location
    }
}

/// Which quantity rows `stock` returns. Every condition given must hold.
public struct QuantityQuery: Hashable, Sendable {
    public var sku: String?
    public var lot: String?
    /// Locations to include (a subtree, already expanded); empty for all.
    public var locations: [String]
    public var state: StockState?

    public init(sku: String? = nil, lot: String? = nil, locations: [String] = [], state: StockState? = nil) {
        self.sku = sku
        self.lot = lot
        self.locations = locations
        self.state = state
    }
}

/// Stock that expires soon: a lot's quantity at a location, or a count of serialized units of one lot.
public struct ExpiringStock: Hashable, Sendable {
    public var sku: String
    public var lot: String
    public var location: String
    public var expiry: CalendarDay
    public var quantity: Quantity
    /// Whether `quantity` counts serialized units.
    public var units: Bool

    public init(sku: String, lot: String, location: String, expiry: CalendarDay, quantity: Quantity, units: Bool) {
        self.sku = sku
        self.lot = lot
        self.location = location
        self.expiry = expiry
        self.quantity = quantity
        self.units = units
    }
}

/// A row of the sales tally: what sold of a product, on a day, at a place, through a channel.
public struct SalesKey: Hashable, Sendable, Comparable {
    public var sku: String
    public var day: CalendarDay
    /// The store of a store sale, or the location an online order was taken from (`online` when unknown).
    public var location: String
    /// `store` or `online`.
    public var channel: String

    public init(sku: String, day: CalendarDay, location: String, channel: String) {
        self.sku = sku
        self.day = day
        self.location = location
        self.channel = channel
    }

    public static func < (lhs: SalesKey, rhs: SalesKey) -> Bool {
        (lhs.sku, lhs.day, lhs.location, lhs.channel) < (rhs.sku, rhs.day, rhs.location, rhs.channel)
    }
}

/// When to order more of a product for a location, and how much.
public struct ReorderRule: Hashable, Sendable, Codable {
    public var sku: String
    public var location: String
    /// Order when the available quantity is at or below this.
    public var point: Quantity
    /// How much to order at least.
    public var quantity: Quantity

    public init(sku: String, location: String, point: Quantity, quantity: Quantity) {
        self.sku = sku
        self.location = location
        self.point = point
        self.quantity = quantity
    }
}
