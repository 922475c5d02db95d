import Foundation

/// A business document an event refers to: a purchase order, an advance ship notice, a receipt, an RMA.
public struct DocumentRef: Hashable, Sendable, Codable {
    /// A GS1 CBV business transaction type where one fits (`po`, `desadv`, `inv`, `rma`, …), or the
    /// business's own word (`receipt`, `order`).
    public var type: String
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// Parses `type:id`, e.g. `po:PO-4711`.
    public init(parsing text: String) throws(InputError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw InputError(
                code: .invalidField,
                message: "document '\(Limits.quote(text))' must be written type:id, e.g. po:PO-4711")
        }
        let type = String(text[..<colon])
        let id = String(text[text.index(after: colon)...])
        try Field.code(type, name: "document type")
        try Field.serial(id, name: "document id")
        self.init(type: type, id: id)
    }
}

extension DocumentRef: CustomStringConvertible {
    public var description: String { "\(type):\(id)" }
}

/// The commercial side of a `sell` event.
public struct Sale: Hashable, Sendable, Codable {
    /// A customer reference from the POS, shop or CRM. Personal data stays out of the ledger.
    public var customer: String?
    /// `online` or `store:<location code>`.
    public var channel: String
    /// A decimal amount per unit, kept as written (`1299.00`).
    public var price: String?
    public var currency: String?

    public init(customer: String?, channel: String, price: String? = nil, currency: String? = nil) {
        self.customer = customer
        self.channel = channel
        self.price = price
        self.currency = currency
    }

    /// The store location a `store:<code>` channel names.
    public var storeCode: String? {
        channel.hasPrefix("store:") ? String(channel.dropFirst(6)) : nil
    }

    public func validated() throws(InputError) -> Sale {
        if let customer { try Field.serial(customer, name: "customer reference") }
        if channel != "online" {
            guard let code = storeCode else {
                throw InputError(
                    code: .invalidField,
                    message: "channel '\(Limits.quote(channel))' must be 'online' or 'store:<location>'")
            }
            try Field.code(code, name: "store location")
        }
        if let price {
            let parts = price.split(separator: ".", omittingEmptySubsequences: false)
            let ok =
                (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
                && parts[0].count <= 12 && (parts.count == 1 || parts[1].count <= 4)
            guard ok else {
                throw InputError(
                    code: .invalidField,
                    message: "price '\(Limits.quote(price))' must be a positive decimal amount like 1299.00")
            }
        }
        if let currency {
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw InputError(
                    code: .invalidField,
                    message: "currency '\(Limits.quote(currency))' must be an ISO 4217 code like EUR")
            }
        }
        return self
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// One unit's line in an event, with what the event says about that unit alone.
public struct EventLine: Hashable, Sendable, Codable {
    public var sku: String
    public var serial: String
    /// Identifiers recorded at receipt (manufacturer serial, IMEI, …).
    public var aliases: [Alias]?
    public var lot: String?
    /// The expiry date a GS1 label gave (`YYYY-MM-DD`).
    public var expiry: String?
    public var attributes: [String: String]?
    /// For a correction: the state the unit goes back to.
    public var restore: UnitSnapshot?

    public init(
        unit: UnitKey, aliases: [Alias]? = nil, lot: String? = nil, attributes: [String: String]? = nil,
        restore: UnitSnapshot? = nil, expiry: String? = nil
    ) {
        self.expiry = expiry
        self.sku = unit.sku
        self.serial = unit.serial
        self.aliases = aliases
        self.lot = lot
        self.attributes = attributes
        self.restore = restore
    }

    public var unit: UnitKey { UnitKey(sku: sku, serial: serial) }

    /// What the line says beyond the unit it names (aliases, lot, expiry, attributes, restore), as JSON with
    /// sorted keys; `nil` when it says nothing more.
    public var detailJSON: String? {
        guard aliases != nil || lot != nil || attributes != nil || restore != nil || expiry != nil else { return nil }
        return CanonicalJSON.detail(self)
    }
}

/// A quantity of a lot-tracked or bulk product in an event: what EPCIS calls a quantity element (a class, a
/// quantity, a unit of measure), named in Unitrace's words.
public struct QuantityLine: Hashable, Sendable, Codable {
    public var sku: String
    /// The lot, for a lot-tracked product.
    public var lot: String?
    /// A decimal quantity in its shortest spelling (`12`, `2.5`), positive.
    public var quantity: String
    /// A UN/ECE Recommendation 20 unit code (`KGM`, `LTR`); `nil` for a count of pieces.
    public var uom: String?

    /// - Throws: ``InputError`` naming a quantity that is not a positive decimal, or a unit that is not a
    ///   code of two or three capital letters and digits.
    public init(sku: String, lot: String? = nil, quantity: String, uom: String? = nil) throws(InputError) {
        try Field.code(sku, name: "product")
        if let lot { try Field.serial(lot, name: "lot") }
        guard let value = Double(quantity), value.isFinite, value > 0,
            quantity.allSatisfy({ $0.isASCIIDigit || $0 == "." }), let canonical = JSONValue.canonicalNumber(value)
        else {
            throw InputError(
                code: .invalidField,
                message: "quantity '\(Limits.quote(quantity))' must be a positive decimal like 12 or 2.5")
        }
        if let uom {
            guard (2...3).contains(uom.count), uom.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                throw InputError(
                    code: .invalidField,
                    message: "unit of measure '\(Limits.quote(uom))' must be a UN/ECE code like KGM or LTR")
            }
        }
        self.sku = sku
        self.lot = lot
        self.quantity = canonical
        self.uom = uom
    }
}

extension QuantityLine {
    /// `WIRE/W-1 12.5 KGM`: the product, its lot, the quantity and its unit, for people.
    public var label: String {
        "\(sku)\(lot.map { "/\($0)" } ?? "") \(quantity)\(uom.map { " \($0)" } ?? "")"
    }
}

/// One immutable fact in the ledger.
///
/// An event made by a Unitrace verb maps onto a GS1 EPCIS 2.0 event by its kind (``EPCISMapping``): `units`
/// is its epcList, `location` its bizLocation, `destination` its destinationList, `documents` its
/// bizTransactionList. An event captured from an EPCIS document also keeps the document's event whole in
/// ``epcis``, so that it leaves as it came; its other members say what Unitrace made of it.
public struct Event: Hashable, Sendable, Codable {
    public var id: UUID
    /// The version of the canonical form the event was recorded in: `nil` for the first form (events
    /// recorded before EPCIS capture existed, whose bytes and hashes never change), 2 since.
    public var form: Int?
    public var kind: EventKind
    /// When it happened, in the offset of the place it happened.
    public var occurredAt: Timestamp
    /// When the store recorded it (the store's clock).
    public var recordedAt: Timestamp
    /// Where it happened (for `arrive` without a location, each unit's own destination).
    public var location: String?
    /// Where a shipment is headed: a location code or `customer:<reference>`.
    public var destination: String?
    /// Where the event's quantities are taken from (EPCIS's source list): a move's origin, the place a
    /// shipment, sale, scrap or loss takes stock away from. `nil` when the event has no quantities to take.
    public var source: String?
    public var actor: String
    public var businessStep: String
    public var disposition: String?
    public var reason: String?
    public var documents: [DocumentRef]
    public var sale: Sale?
    /// For an error declaration: the event this one corrects.
    public var corrects: UUID?
    /// The API request that recorded the event, when it carried an `Idempotency-Key`.
    public var request: RequestRef?
    public var units: [EventLine]
    /// Quantities of lot-tracked and bulk products the event moves, beside its serialized units (EPCIS's
    /// quantity list); `nil` when it has none, so that events recorded before quantities keep their bytes.
    public var quantities: [QuantityLine]?
    /// The lots this event brings into the ledger, with their dates and origin (EPCIS's lot master data):
    /// the receipt of a lot's first quantity defines it; `nil` when it defines none.
    public var lots: [Lot]?
    /// The EPCIS event this one was captured from, as it came.
    public var epcis: EPCISEvent?
    /// For a pack or unpack: the SSCC of the container packed or emptied (EPCIS's parentID).
    public var container: String?
    /// The containers the event packs into `container` or takes out of it, or, for a move, shipment or
    /// arrival, every container it moves, those inside the others included; `nil` when there are none.
    public var containers: [String]?
    /// For an install or remove: the unit the components are fitted into or taken out of (EPCIS's parentID).
    /// The parent is also one of the event's lines, so that its history shows what was fitted.
    public var parent: UnitKey?
    /// For an inspection: its procedure, result, measurements, inspector and equipment.
    public var inspection: Inspection?
    /// For a production: the quantities of lots and bulk products it consumed (EPCIS's input quantity list),
    /// taken from the event's location; its outputs are its units and quantities.
    public var inputs: [QuantityLine]?
    /// For a production: EPCIS's transformation ID, the production run by default.
    public var transformation: String?

    /// The form events are recorded in now.
    public static let currentForm = 2

    public init(
        id: UUID, kind: EventKind, occurredAt: Timestamp, recordedAt: Timestamp, location: String?,
        destination: String? = nil, actor: String, businessStep: String? = nil, disposition: String? = nil,
        reason: String? = nil, documents: [DocumentRef] = [], sale: Sale? = nil, corrects: UUID? = nil,
        units: [EventLine]
    ) {
        self.id = id
        self.kind = kind
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.location = location
        self.destination = destination
        self.actor = actor
        self.businessStep = businessStep ?? kind.businessStep
        self.disposition = disposition
        self.reason = reason
        self.documents = documents
        self.sale = sale
        self.corrects = corrects
        self.units = units
    }

    /// The customer a `customer:<reference>` destination names.
    public var destinationCustomer: String? {
        guard let destination, destination.hasPrefix("customer:") else { return nil }
        return String(destination.dropFirst(9))
    }
}

/// An event as the ledger holds it: with its place in the chain.
public struct RecordedEvent: Hashable, Sendable {
    public var sequence: Int64
    public var hash: LedgerHash.Digest
    public var event: Event
    /// The columns the store keeps beside the hashed content for its indexes, as read back with it (`nil`
    /// when a read did not fetch them). `verify` checks each against the content.
    public var columns: EventColumns?

    public init(sequence: Int64, hash: LedgerHash.Digest, event: Event, columns: EventColumns? = nil) {
        self.sequence = sequence
        self.hash = hash
        self.event = event
        self.columns = columns
    }
}

/// What an engine stores of an event outside its hashed content, so that queries can use indexes: time
/// ranges read `occurredMs`, retries `requestID`, imports `id`, histories `unitCount`. Each is derived from
/// the content, so an edit to one of them alone is tampering.
public struct EventColumns: Hashable, Sendable {
    public var id: String
    public var kind: String
    public var occurredMs: Int64
    public var unitCount: Int
    public var requestID: String?

    public init(id: String, kind: String, occurredMs: Int64, unitCount: Int, requestID: String?) {
        self.id = id
        self.kind = kind
        self.occurredMs = occurredMs
        self.unitCount = unitCount
        self.requestID = requestID
    }

    /// The columns `event` must have.
    public init(of event: Event) {
        self.init(
            id: event.id.uuidString, kind: event.kind.rawValue, occurredMs: event.occurredAt.millisecondsSince1970,
            unitCount: event.units.count, requestID: event.request?.id)
    }

    /// The names of the columns that differ from what `event` says.
    public func mismatches(with event: Event) -> [String] {
        let expected = EventColumns(of: event)
        var names: [String] = []
        if id.uppercased() != expected.id { names.append("id") }
        if kind != expected.kind { names.append("kind") }
        if occurredMs != expected.occurredMs { names.append("occurred_ms") }
        if unitCount != expected.unitCount { names.append("unit_count") }
        if requestID != expected.requestID { names.append("request_id") }
        return names
    }
}
