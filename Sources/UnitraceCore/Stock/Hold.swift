/// A unit, or a quantity of a lot or bulk product at a location, held for a customer or an order until a
/// time: nobody else may buy it meanwhile. Holds are kept beside the ledger (they promise, they do not move
/// anything); the sale that fulfils one closes it in the sale's own transaction.
public struct Hold: Hashable, Sendable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Released by hand before it ran out.
        case released
        /// The party it was for bought what it held.
        case fulfilled
    }

    public var id: String
    /// Who it is for: `customer:<reference>` or `order:<number>`.
    public var party: String
    public var sku: String
    /// The unit, for a serialized product.
    public var serial: String?
    public var lot: String?
    /// Where the quantity is held; `nil` for a unit.
    public var location: String?
    /// How much; `nil` for a unit.
    public var quantity: Quantity?
    public var until: Timestamp
    public var createdAt: Timestamp
    public var actor: String
    public var closedAt: Timestamp?
    public var outcome: Outcome?

    public init(
        id: String, party: String, sku: String, serial: String? = nil, lot: String? = nil, location: String? = nil,
        quantity: Quantity? = nil, until: Timestamp, createdAt: Timestamp, actor: String, closedAt: Timestamp? = nil,
        outcome: Outcome? = nil
    ) {
        self.id = id
        self.party = party
        self.sku = sku
        self.serial = serial
        self.lot = lot
        self.location = location
        self.quantity = quantity
        self.until = until
        self.createdAt = createdAt
        self.actor = actor
        self.closedAt = closedAt
        self.outcome = outcome
    }

    public var unit: UnitKey? { serial.map { UnitKey(sku: sku, serial: $0) } }

    /// Whether it still holds at `time`: not closed, not run out.
    public func isActive(at time: Timestamp) -> Bool {
        closedAt == nil && time < until
    }

    /// The party a sale or a shipment to a customer is for: its customer, and each order it names.
    public static func parties(of event: Event) -> Set<String> {
        var parties = Set<String>()
        if let customer = event.sale?.customer ?? event.destinationCustomer { parties.insert("customer:\(customer)") }
        for document in event.documents where document.type == "order" { parties.insert("order:\(document.id)") }
        return parties
    }

    /// Parses who a hold is for: `customer:<reference>` or `order:<number>`. - Throws: ``InputError``.
    public static func party(customer: String?, order: String?) throws(InputError) -> String {
        switch (customer, order) {
        case (let customer?, nil):
            try Field.serial(customer, name: "customer reference")
            return "customer:\(customer)"
        case (nil, let order?):
            try Field.serial(order, name: "order number")
            return "order:\(order)"
        default:
            throw InputError(code: .invalidField, message: "a hold is for exactly one customer or one order")
        }
    }
}
