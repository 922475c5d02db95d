import Foundation

/// What a location is. The first group are places a business runs; `zone` and `bin` are places inside
/// them; the last four are built in and hold units that are not on any shelf of ours.
public enum LocationKind: String, Sendable, Codable, CaseIterable {
    case site
    case warehouse
    case store
    case popUp = "pop-up"
    case dropShipper = "drop-shipper"
    case thirdPartyLogistics = "3pl"
    case repairCentre = "repair-centre"
    case zone
    case bin
    case inTransit = "in-transit"
    case customer
    case supplier
    case scrapped

    /// Built-in pseudo-locations: created by `init`, never a parent, never a `move` target.
    public var isBuiltIn: Bool {
        switch self {
        case .inTransit, .customer, .supplier, .scrapped: true
        default: false
        }
    }
}

/// A place that holds stock, in a tree (site → zone → bin).
public struct Location: Hashable, Sendable, Codable {
    /// Unique across the store; also how people type it (`WH1`, `WH1-A-03`).
    public var code: String
    public var name: String
    public var kind: LocationKind
    public var parent: String?

    public init(code: String, name: String, kind: LocationKind, parent: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parent = parent
    }

    /// The four locations every store has from `init` on.
    public static let builtIns: [Location] = [
        Location(code: BuiltInLocation.inTransit, name: "In transit", kind: .inTransit),
        Location(code: BuiltInLocation.customer, name: "Customer", kind: .customer),
        Location(code: BuiltInLocation.supplier, name: "Supplier", kind: .supplier),
        Location(code: BuiltInLocation.scrapped, name: "Scrapped", kind: .scrapped),
    ]

    public func validated() throws(InputError) -> Location {
        try Field.code(code, name: "location code")
        if kind.isBuiltIn {
            throw InputError(
                code: .invalidField, message: "location kind '\(kind.rawValue)' is built in and cannot be added")
        }
        var location = self
        location.name = try Field.text(name, name: "location name", limit: Limits.name)
        if parent == code {
            throw InputError(code: .invalidField, message: "location \(code) cannot be its own parent")
        }
        return location
    }
}

/// Codes of the built-in pseudo-locations.
public enum BuiltInLocation {
    public static let inTransit = "in-transit"
    public static let customer = "customer"
    public static let supplier = "supplier"
    public static let scrapped = "scrapped"
}
