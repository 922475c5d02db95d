import Foundation

/// A product and a lot code, as a recall names a lot (`EVM-200/MOT-2026-W40`).
public struct LotRef: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var sku: String
    public var lot: String

    public init(sku: String, lot: String) {
        self.sku = sku
        self.lot = lot
    }

    /// Parses `SKU/LOT`. - Throws: ``InputError`` naming the text.
    public init(parsing text: String) throws(InputError) {
        guard let key = UnitKey(parsing: text) else {
            throw InputError(
                code: .invalidField,
                message: "a lot is written SKU/LOT, e.g. EVM-200/MOT-2026-W40, not '\(Limits.quote(text))'")
        }
        self.init(sku: key.sku, lot: key.serial)
    }

    public var description: String { "\(sku)/\(lot)" }

    public static func < (lhs: LotRef, rhs: LotRef) -> Bool { (lhs.sku, lhs.lot) < (rhs.sku, rhs.lot) }
}

/// The serials of one product from `from` to `to`, both included. Serials compare by length first, then
/// character by character, so that `M-9` comes before `M-10` and zero-padded serials compare as numbers.
public struct SerialRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public var sku: String
    public var from: String
    public var to: String

    public init(sku: String, from: String, to: String) {
        self.sku = sku
        self.from = from
        self.to = to
    }

    /// Parses `SKU/FROM..TO`. - Throws: ``InputError`` naming the text.
    public init(parsing text: String) throws(InputError) {
        guard let key = UnitKey(parsing: text), let dots = key.serial.range(of: "..") else {
            throw InputError(
                code: .invalidField,
                message:
                    "a serial range is written SKU/FROM..TO, e.g. EVM-200/M-26-000100..M-26-000199, not '\(Limits.quote(text))'"
            )
        }
        let from = String(key.serial[..<dots.lowerBound])
        let to = String(key.serial[dots.upperBound...])
        guard !from.isEmpty, !to.isEmpty, !Self.precedes(to, from) else {
            throw InputError(
                code: .invalidField,
                message: "serial range '\(Limits.quote(text))' must run from a first serial to a later one")
        }
        self.init(sku: key.sku, from: from, to: to)
    }

    public func contains(_ unit: UnitKey) -> Bool {
        unit.sku == sku && !Self.precedes(unit.serial, from) && !Self.precedes(to, unit.serial)
    }

    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.count != rhs.count ? lhs.count < rhs.count : lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    public var description: String { "\(sku)/\(from)..\(to)" }
}

/// What a recall selects. Each kind of criterion given must hold (products and lots and runs …); within one
/// kind, any of the values will do. Component criteria select every unit that contains one of those components
/// now, at any depth, and the components themselves.
public struct RecallCriteria: Hashable, Sendable, Codable {
    public var products: [String] = []
    public var lots: [LotRef] = []
    public var runs: [String] = []
    public var lines: [String] = []
    public var equipment: [String] = []
    public var operators: [String] = []
    public var suppliers: [String] = []
    /// The lot's made-on day, from and through.
    public var madeFrom: CalendarDay?
    public var madeThrough: CalendarDay?
    public var serialRanges: [SerialRange] = []
    public var componentLots: [LotRef] = []
    public var components: [UnitKey] = []

    public init() {}

    /// Whether it names nothing at all.
    public var isEmpty: Bool { !hasDirect && componentLots.isEmpty && components.isEmpty }

    /// Whether it says anything about the units themselves (rather than what they contain).
    public var hasDirect: Bool {
        !products.isEmpty || !lots.isEmpty || needsLot || !serialRanges.isEmpty
    }

    /// Whether a unit's lot (and its run) must be known to judge it.
    public var needsLot: Bool {
        !runs.isEmpty || needsRun || !suppliers.isEmpty || madeFrom != nil || madeThrough != nil
    }

    /// Whether a unit's run record must be known to judge it.
    public var needsRun: Bool { !lines.isEmpty || !equipment.isEmpty || !operators.isEmpty }

    /// Whether `unit`, of lot `lot` made in `run`, meets every criterion about the units themselves.
    public func matches(_ unit: UnitKey, lotCode: String?, lot: Lot?, run: ProductionRun?) -> Bool {
        if !products.isEmpty, !products.contains(unit.sku) { return false }
        if !lots.isEmpty {
            guard let code = lotCode, lots.contains(LotRef(sku: unit.sku, lot: code)) else { return false }
        }
        if !serialRanges.isEmpty, !serialRanges.contains(where: { $0.contains(unit) }) { return false }
        if !runs.isEmpty { guard let id = lot?.run, runs.contains(id) else { return false } }
        if !suppliers.isEmpty { guard let supplier = lot?.supplier, suppliers.contains(supplier) else { return false } }
        if madeFrom != nil || madeThrough != nil {
            guard let made = lot?.madeOn else { return false }
            if let madeFrom, made < madeFrom { return false }
            if let madeThrough, madeThrough < made { return false }
        }
        if !lines.isEmpty { guard let line = run?.line, lines.contains(line) else { return false } }
        if !equipment.isEmpty { guard let value = run?.equipment, equipment.contains(value) else { return false } }
        if !operators.isEmpty { guard let value = run?.operator, operators.contains(value) else { return false } }
        return true
    }

    /// The criteria in words, one kind a part: `lots EVM-200/L1; runs RUN-7`.
    public var summary: String {
        var parts: [String] = []
        func add(_ name: String, _ values: [String]) {
            if !values.isEmpty { parts.append("\(name) \(values.joined(separator: ", "))") }
        }
        add("products", products)
        add("lots", lots.map(\.description))
        add("runs", runs)
        add("lines", lines)
        add("equipment", equipment)
        add("operators", operators)
        add("suppliers", suppliers)
        if madeFrom != nil || madeThrough != nil {
            parts.append("made \(madeFrom?.description ?? "…") to \(madeThrough?.description ?? "…")")
        }
        add("serials", serialRanges.map(\.description))
        add("component lots", componentLots.map(\.description))
        add("components", components.map(\.description))
        return parts.joined(separator: "; ")
    }
}

/// Where an affected unit was when the recall was made, which says what has to be done about it.
public enum RecallPartition: String, Sendable, Codable, CaseIterable {
    /// In our hands: quarantined (and flagged) in the recall's own transaction.
    case inStock = "in-stock"
    /// On its way between places or to a customer.
    case inTransit = "in-transit"
    /// With a customer, who is to be told.
    case sold
    /// Fitted in another unit, which is affected too.
    case installed
    /// Already destroyed: nothing to do but to say so.
    case scrapped
    /// Not found where the ledger says it is.
    case missing

    /// The partition of a unit in `status`.
    public init(_ status: UnitStatus) {
        switch status {
        case .inTransit: self = .inTransit
        case .sold: self = .sold
        case .installed: self = .installed
        case .scrapped: self = .scrapped
        case .missing, .expected, .voided: self = .missing
        case .inStock, .reserved, .returned, .inRepair, .quarantined: self = .inStock
        }
    }
}

/// What became of an affected unit.
public enum RecallOutcome: String, Sendable, Codable, CaseIterable {
    case recovered
    case repaired
    case replaced
    case destroyed
    case customerDeclined = "customer-declined"
    case unreachable
}

/// One unit a recall affects, as frozen when the recall was made, with what became of it since.
public struct RecallUnit: Hashable, Sendable, Codable {
    public var unit: UnitKey
    public var partition: RecallPartition
    /// Its status and place when the recall was made.
    public var status: UnitStatus
    public var location: String
    /// The customer reference of a sold unit (contact details are not in the ledger).
    public var customer: String?
    /// The unit it is fitted in, for an installed one.
    public var installedIn: UnitKey?
    /// Why it is affected: the criterion it meets, or the affected component it contains.
    public var reason: String
    /// Whether the recall's transaction quarantined it.
    public var quarantined: Bool
    public var outcome: RecallOutcome?
    public var outcomeAt: Timestamp?
    public var outcomeBy: String?
    public var note: String?

    public init(
        unit: UnitKey, partition: RecallPartition, status: UnitStatus, location: String, customer: String?,
        installedIn: UnitKey?, reason: String, quarantined: Bool
    ) {
        self.unit = unit
        self.partition = partition
        self.status = status
        self.location = location
        self.customer = customer
        self.installedIn = installedIn
        self.reason = reason
        self.quarantined = quarantined
    }

    /// Closed once it has an outcome; a scrapped unit is closed from the start.
    public var isClosed: Bool { outcome != nil || partition == .scrapped }
}

/// A recall campaign: its criteria, the time the affected set was frozen, and its state.
public struct Recall: Hashable, Sendable, Codable {
    public enum State: String, Sendable, Codable {
        case open
        case closed
    }

    public var id: String
    public var reason: String
    public var criteria: RecallCriteria
    public var state: State
    public var createdAt: Timestamp
    public var createdBy: String
    /// The quarantine event of the units in stock, when there were any.
    public var quarantineEvent: UUID?
    public var closedAt: Timestamp?
    public var closedBy: String?
    /// Why it was closed with units still open.
    public var forcedReason: String?

    public init(
        id: String, reason: String, criteria: RecallCriteria, state: State = .open, createdAt: Timestamp,
        createdBy: String
    ) {
        self.id = id
        self.reason = reason
        self.criteria = criteria
        self.state = state
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
