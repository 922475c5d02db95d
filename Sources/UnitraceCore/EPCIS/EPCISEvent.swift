/// The five event types of GS1 EPCIS 2.0.
public enum EPCISEventType: String, Sendable, Codable, CaseIterable {
    /// Objects observed, added or removed: Unitrace's receive, move, ship, sell, scrap, …
    case object = "ObjectEvent"
    /// Children put into or taken out of a parent (a case, a pallet).
    case aggregation = "AggregationEvent"
    /// Objects tied to or released from a business transaction (a purchase order, an ASN).
    case transaction = "TransactionEvent"
    /// Inputs consumed to make outputs (assembly, production).
    case transformation = "TransformationEvent"
    /// A part associated with an asset (a motor installed in a car).
    case association = "AssociationEvent"

    /// The members of an event of this type the standard defines, beyond those every event has.
    public var members: Set<String> {
        let located: Set<String> = [
            "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
            "destinationList", "sensorElementList",
        ]
        switch self {
        case .object:
            return located.union(["action", "epcList", "quantityList", "persistentDisposition", "ilmd"])
        case .aggregation, .association:
            return located.union(["action", "parentID", "childEPCs", "childQuantityList"])
        case .transaction:
            return located.union(["action", "parentID", "epcList", "quantityList"])
        case .transformation:
            return located.union([
                "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID",
                "persistentDisposition", "ilmd",
            ])
        }
    }

    /// The members every event may have.
    public static let commonMembers: Set<String> = [
        "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "certificationInfo", "errorDeclaration",
    ]

    /// The lists of EPCs (instance identifiers) an event of this type carries.
    public var epcLists: [String] {
        switch self {
        case .object: ["epcList"]
        case .aggregation, .association: ["childEPCs"]
        case .transaction: ["epcList"]
        case .transformation: ["inputEPCList", "outputEPCList"]
        }
    }

    /// The lists of quantities (class, quantity, unit of measure) an event of this type carries.
    public var quantityLists: [String] {
        switch self {
        case .object, .transaction: ["quantityList"]
        case .aggregation, .association: ["childQuantityList"]
        case .transformation: ["inputQuantityList", "outputQuantityList"]
        }
    }
}

/// An EPCIS action.
public enum EPCISAction: String, Sendable, Codable, CaseIterable {
    case add = "ADD"
    case observe = "OBSERVE"
    case delete = "DELETE"
}

/// A class of objects and how much of it: one line of an EPCIS quantity list.
public struct QuantityElement: Hashable, Sendable {
    public var epcClass: String
    public var quantity: Double?
    public var uom: String?

    public init(epcClass: String, quantity: Double? = nil, uom: String? = nil) {
        self.epcClass = epcClass
        self.quantity = quantity
        self.uom = uom
    }
}

/// An EPCIS event as a partner captured it: every member it had, kept as data, so that it leaves Unitrace
/// as it came (the record time excepted: that is the capturing store's own), with typed access to the
/// members Unitrace reads.
///
/// Checked by ``EPCISEventReader`` before it is built: the types of the standard's members, the CBV words,
/// and that every other member is a namespaced extension.
public struct EPCISEvent: Hashable, Sendable, Codable {
    /// The members, by their names as written (`epcList`, `ext1:temperature`), `recordTime` left out.
    public var fields: [String: JSONValue]
    /// The namespace of each prefix that an extension member's name (at any depth) uses.
    public var namespaces: [String: String]

    public init(fields: [String: JSONValue], namespaces: [String: String] = [:]) {
        self.fields = fields
        self.namespaces = namespaces
    }

    public var type: EPCISEventType { fields["type"]?.string.flatMap(EPCISEventType.init(rawValue:)) ?? .object }
    public var action: EPCISAction? { fields["action"]?.string.flatMap(EPCISAction.init(rawValue:)) }
    public var eventID: String? { fields["eventID"]?.string }
    public var eventTime: String? { fields["eventTime"]?.string }
    public var bizStep: String? { fields["bizStep"]?.string }
    public var disposition: String? { fields["disposition"]?.string }
    public var parentID: String? { fields["parentID"]?.string }
    public var readPoint: String? { fields["readPoint"]?["id"]?.string }
    public var bizLocation: String? { fields["bizLocation"]?["id"]?.string }

    /// The strings of a list member (`epcList`, `childEPCs`, …), empty when absent.
    public func list(_ name: String) -> [String] {
        fields[name]?.array?.compactMap(\.string) ?? []
    }

    /// Every instance identifier the event names, in the order of its lists, the parent first.
    public var allEPCs: [String] {
        (parentID.map { [$0] } ?? []) + type.epcLists.flatMap(list)
    }

    /// The lines of a quantity list member (`quantityList`, `childQuantityList`, …).
    public func quantities(_ name: String) -> [QuantityElement] {
        (fields[name]?.array ?? []).compactMap { item in
            guard let epcClass = item["epcClass"]?.string else { return nil }
            return QuantityElement(epcClass: epcClass, quantity: item["quantity"]?.double, uom: item["uom"]?.string)
        }
    }

    /// Every class the event names in its quantity lists.
    public var allClasses: [String] {
        type.quantityLists.flatMap { quantities($0).map(\.epcClass) }
    }

    /// The business transactions as (type, identifier); the type is `nil` when the event gives none.
    public var bizTransactions: [(type: String?, id: String)] {
        (fields["bizTransactionList"]?.array ?? []).compactMap { item in
            guard let id = item["bizTransaction"]?.string else { return nil }
            return (item["type"]?.string, id)
        }
    }

    /// The corrective events an error declaration names, when the event is one.
    public var isErrorDeclaration: Bool { fields["errorDeclaration"] != nil }
}

extension CanonicalJSON {
    mutating func epcis(_ value: EPCISEvent) {
        bytes.append(contentsOf: Array(#"{"fields":"#.utf8))
        json(.object(value.fields))
        bytes.append(contentsOf: Array(#","namespaces":"#.utf8))
        dictionary(value.namespaces)
        bytes.append(UInt8(ascii: "}"))
    }
}
