import Foundation

/// Where a unit is in its life. The raw values are stable: the CLI, the API and exports use them.
public enum UnitStatus: String, Sendable, Codable, CaseIterable {
    case expected
    case inStock = "in-stock"
    case reserved
    case inTransit = "in-transit"
    case sold
    case returned
    case inRepair = "in-repair"
    case quarantined
    case installed
    case scrapped
    /// The event that created the unit was declared an error; the serial may be received again.
    case voided
    /// Not where the ledger says it is: a count did not find it (`lost`); a `found` event brings it back.
    case missing
}

extension UnitStatus: CustomStringConvertible {
    /// Words for messages: `in stock`, `in transit`.
    public var description: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// Another identifier of the same unit. Every alias value resolves to exactly one unit.
public struct Alias: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case own
        case manufacturer
        case imei
        case vin
        case epc
        case warranty
        case other
    }

    public var kind: Kind
    public var value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// Parses `kind:value`, e.g. `imei:490154203237518`.
    public init(parsing text: String) throws(InputError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw InputError(code: .invalidField, message: "alias '\(Limits.quote(text))' must be written kind:value")
        }
        let kindText = String(text[..<colon])
        guard let kind = Kind(rawValue: kindText.lowercased()) else {
            let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw InputError(
                code: .invalidField, message: "alias kind '\(Limits.quote(kindText))' is not one of \(kinds)")
        }
        let value = String(text[text.index(after: colon)...])
        try Field.serial(value, name: "\(kind.rawValue) alias")
        self.init(kind: kind, value: value)
    }
}

extension Alias: CustomStringConvertible {
    public var description: String { "\(kind.rawValue):\(value)" }
}

/// The projected state of one unit: what its events add up to.
public struct UnitState: Hashable, Sendable, Codable {
    public var key: UnitKey
    public var status: UnitStatus
    /// Code of the location holding the unit (a built-in one when sold, in transit or scrapped).
    public var location: String
    /// Where a shipment is headed: a location code, or `customer:<id>`.
    public var destination: String?
    /// The customer who owns the unit after a sale.
    public var owner: String?
    public var lot: String?
    /// The use-by or expiry date (`YYYY-MM-DD`), when the label carried one.
    public var expiry: String?
    public var aliases: [Alias]
    public var attributes: [String: String]
    /// Sequence number of the last event that changed the unit (0 before the first is recorded).
    public var version: Int64
    /// The SSCC of the container the unit is packed in, if any.
    public var container: String?
    /// The unit this one is installed in (status `installed`), if any.
    public var parent: UnitKey?

    public init(
        key: UnitKey,
        status: UnitStatus,
        location: String,
        destination: String? = nil,
        owner: String? = nil,
        lot: String? = nil,
        aliases: [Alias] = [],
        attributes: [String: String] = [:],
        version: Int64 = 0,
        expiry: String? = nil,
        container: String? = nil,
        parent: UnitKey? = nil
    ) {
        self.key = key
        self.status = status
        self.location = location
        self.destination = destination
        self.owner = owner
        self.lot = lot
        self.aliases = aliases
        self.attributes = attributes
        self.version = version
        self.expiry = expiry
        self.container = container
        self.parent = parent
    }

    /// The state without its version: what a correction restores.
    public var snapshot: UnitSnapshot {
        UnitSnapshot(
            status: status, location: location, destination: destination, owner: owner, lot: lot,
            aliases: aliases, attributes: attributes, expiry: expiry, container: container, parent: parent)
    }
}

/// A unit's state as a value that an event can carry (a correction records what it restores).
public struct UnitSnapshot: Hashable, Sendable, Codable {
    public var status: UnitStatus
    public var location: String
    public var destination: String?
    public var owner: String?
    public var lot: String?
    public var aliases: [Alias]
    public var attributes: [String: String]
    public var expiry: String?
    public var container: String?
    public var parent: UnitKey?

    public init(
        status: UnitStatus, location: String, destination: String? = nil, owner: String? = nil, lot: String? = nil,
        aliases: [Alias] = [], attributes: [String: String] = [:], expiry: String? = nil, container: String? = nil,
        parent: UnitKey? = nil
    ) {
        self.parent = parent
        self.status = status
        self.location = location
        self.destination = destination
        self.owner = owner
        self.lot = lot
        self.aliases = aliases
        self.attributes = attributes
        self.expiry = expiry
        self.container = container
    }
}
