import Foundation
import UnitraceCore

/// Cycle counts and stock-takes: what was expected when each was opened, and the scans that arrive for it.
public protocol CountStore: Sendable {
    /// Adds a count. - Throws: ``StoreError`` `conflict` when the id is taken.
    func insertCount(_ count: StockCount) async throws
    /// A count, with what it expected when `expectation` (the largest part of it: leave it out for a scan).
    func count(id: String, expectation: Bool) async throws -> StockCount?
    /// Counts by id, newest first, at most `limit`, without what they expected.
    func counts(limit: Int) async throws -> [StockCount]
    /// Moves a count from `from` to `to` at `time`; `false` when it was not in `from`.
    func setCountState(id: String, from: StockCount.State, to: StockCount.State, at time: Timestamp) async throws
        -> Bool
}

/// A cycle count or stock-take of a location and everything beneath it, optionally of some products only.
public struct StockCount: Hashable, Sendable, Codable {
    public enum State: String, Sendable, Codable {
        /// Taking scans.
        case open
        /// No more scans; its result can be read and approved.
        case closed
        /// Its adjustments are in the ledger.
        case approved
    }

    public var id: String
    public var location: String
    /// Only these products; empty for every product.
    public var products: [String]
    public var state: State
    public var openedAt: Timestamp
    public var openedBy: String
    public var closedAt: Timestamp?
    public var approvedAt: Timestamp?
    /// What the ledger held there when the count was opened.
    public var expected: CountExpectation

    public init(
        id: String, location: String, products: [String], state: State = .open, openedAt: Timestamp,
        openedBy: String, closedAt: Timestamp? = nil, approvedAt: Timestamp? = nil, expected: CountExpectation
    ) {
        self.id = id
        self.location = location
        self.products = products
        self.state = state
        self.openedAt = openedAt
        self.openedBy = openedBy
        self.closedAt = closedAt
        self.approvedAt = approvedAt
        self.expected = expected
    }
}

/// What the ledger holds at a count's location: the units in stock there (returned and quarantined ones
/// too: they are on a shelf), each at its place, and the available quantities.
public struct CountExpectation: Hashable, Sendable, Codable {
    public struct ExpectedUnit: Hashable, Sendable, Codable {
        public var sku: String
        public var serial: String
        public var location: String
    }

    public struct ExpectedQuantity: Hashable, Sendable, Codable {
        public var sku: String
        public var lot: String?
        public var location: String
        public var quantity: Quantity
    }

    public var units: [ExpectedUnit]
    public var quantities: [ExpectedQuantity]

    public init(units: [ExpectedUnit] = [], quantities: [ExpectedQuantity] = []) {
        self.units = units
        self.quantities = quantities
    }
}

/// One scan of a count: a unit (any identifier), or a quantity of a lot or bulk product, where it was seen.
public struct CountScan: Hashable, Sendable, Codable {
    public var scan: String?
    public var sku: String?
    public var lot: String?
    public var quantity: Quantity?
    /// Where it was seen: the count's location or a place beneath it.
    public var location: String
    public var actor: String
    public var at: Timestamp

    public init(
        scan: String? = nil, sku: String? = nil, lot: String? = nil, quantity: Quantity? = nil, location: String,
        actor: String, at: Timestamp
    ) {
        self.scan = scan
        self.sku = sku
        self.lot = lot
        self.quantity = quantity
        self.location = location
        self.actor = actor
        self.at = at
    }
}
