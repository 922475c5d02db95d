import UnitraceCore

public struct HoldJSON: Encodable, Sendable {
    public var id: String
    public var party: String
    public var product: String
    public var unit: String?
    public var lot: String?
    public var location: String?
    public var quantity: String?
    public var until: String
    public var createdAt: String
    public var actor: String
    public var closedAt: String?
    public var outcome: String?

    public init(_ hold: Hold) {
        id = hold.id
        party = hold.party
        product = hold.sku
        unit = hold.unit?.description
        lot = hold.lot
        location = hold.location
        quantity = hold.quantity?.description
        until = hold.until.iso8601
        createdAt = hold.createdAt.iso8601
        actor = hold.actor
        closedAt = hold.closedAt?.iso8601
        outcome = hold.outcome?.rawValue
    }
}

public struct AvailabilityJSON: Encodable, Sendable {
    public var product: String
    public var lot: String?
    public var location: String
    public var available: String
    public var held: String

    public init(_ row: Availability) {
        product = row.sku
        lot = row.lot
        location = row.location
        available = row.available.description
        held = row.held.description
    }
}
