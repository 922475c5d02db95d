import Foundation
import UnitraceCore

/// What a batch changes besides appending to the ledger, computed from its events by pure code, once,
/// outside the write transaction; each engine writes each kind through one small writer, in the same
/// transaction as the events. Everything here can be rebuilt from the ledger (``Inventory/rebuild()``), and
/// `verify` compares what is stored with what the ledger gives.
///
/// Unit state (``CommitBatch/UnitChange``) is the first projection and keeps its own writer, since it is
/// also the batch's optimistic lock; the identifier index is the first written through this seam. A new
/// projection adds a case here, its pure function, and one writer per engine.
public enum ProjectionChange: Hashable, Sendable {
    /// An event (by its index in the batch) names an identifier: what `MATCH_epc`, `MATCH_anyEPC` and the
    /// other identifier queries of EPCIS look up.
    case identifier(item: Int, IdentifierName)
    /// An event (by its index in the batch) defines a lot: its dates and origin, kept with the event that
    /// brought it in. The store throws `conflict` if the lot exists.
    case lot(item: Int, Lot)
    /// An event (by its index in the batch) changes a quantity row by a quantity line (``StockMovements``).
    /// A negative change is written only if the row holds enough: otherwise the store throws `conflict`, and
    /// the use case reads again and refuses with the quantity there is.
    case stock(item: Int, StockMovement)
    /// An event sold a quantity of a product (units count one each): the sales tally.
    case sale(item: Int, SalesKey, Quantity)
    /// The number of units of a product at a location in a status changes by `delta`: the tally `stock`
    /// reads instead of counting units.
    case unitCount(UnitCountKey, delta: Int)
    /// An event (by its index in the batch) packs a quantity into a container (positive) or takes one out
    /// (negative). A row going below zero makes the store throw `conflict`.
    case packed(item: Int, PackedQuantity)
    /// An event (by its index in the batch) installs a component in a parent (a new link in the assembly table)
    /// or removes it (its open link closed): what the trace and recalls read instead of the ledger.
    case link(item: Int, LinkChange)
}

/// A row of the unit tally: how many units of a product are at a location in a status.
public struct UnitCountKey: Hashable, Sendable, Comparable {
    public var sku: String
    public var location: String
    public var status: UnitStatus

    public init(sku: String, location: String, status: UnitStatus) {
        self.sku = sku
        self.location = location
        self.status = status
    }

    public init(_ state: UnitState) {
        self.init(sku: state.key.sku, location: state.location, status: state.status)
    }

    public static func < (lhs: UnitCountKey, rhs: UnitCountKey) -> Bool {
        (lhs.sku, lhs.location, lhs.status.rawValue) < (rhs.sku, rhs.location, rhs.status.rawValue)
    }
}

/// An identifier as the index holds it: its canonical GS1 Digital Link when it has one (so that an EPC URI
/// and the Digital Link of one object are one entry), otherwise as written.
public struct IdentifierName: Hashable, Sendable, Comparable {
    public var value: String

    public init(canonicalizing text: String) {
        value = EPCISEventHash.digitalLink(text) ?? text
    }

    public init(stored: String) {
        value = stored
    }

    public static func < (lhs: IdentifierName, rhs: IdentifierName) -> Bool {
        lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }
}

/// One entry of the identifier index.
public struct IdentifierEntry: Hashable, Sendable {
    public var sequence: Int64
    public var identifier: IdentifierName

    public init(sequence: Int64, identifier: IdentifierName) {
        self.sequence = sequence
        self.identifier = identifier
    }
}

public enum Projections {
    /// The projection changes of a batch's events; `corrected` holds the events its error declarations
    /// correct, by id.
    public static func changes(of events: [Event], corrected: [UUID: Event] = [:]) -> [ProjectionChange] {
        var changes: [ProjectionChange] = []
        for (index, event) in events.enumerated() {
            let undone = event.corrects.flatMap { corrected[$0] }
            for name in identifiers(of: event) { changes.append(.identifier(item: index, name)) }
            if event.epcis == nil { for lot in event.lots ?? [] { changes.append(.lot(item: index, lot)) } }
            for movement in movements(of: event, correcting: undone) {
                changes.append(.stock(item: index, movement))
            }
            for (key, quantity) in sales(of: event, correcting: undone) {
                changes.append(.sale(item: index, key, quantity))
            }
            for packed in PackedQuantity.changes(of: event) { changes.append(.packed(item: index, packed)) }
            for link in Assembly.linkChanges(of: event) { changes.append(.link(item: index, link)) }
        }
        return changes
    }

    /// How `event` moves stock: by its own quantities, or, for an error declaration, by undoing the
    /// movements of the event it corrects (`corrected`). The one rule for the commit, `verify` and `rebuild`.
    public static func movements(of event: Event, correcting corrected: Event?) -> [StockMovement] {
        guard event.kind == .correct else { return StockMovements.of(event) }
        return corrected.map(StockMovements.reversal) ?? []
    }

    /// What `event` adds to the sales tally: its own sale, or, for an error declaration, the corrected
    /// sale taken back.
    public static func sales(of event: Event, correcting corrected: Event?) -> [(SalesKey, Quantity)] {
        guard event.kind == .correct else { return sales(of: event) }
        return corrected.map { sales(of: $0).map { ($0.0, -$0.1) } } ?? []
    }

    /// How a batch's unit changes move the unit tally, one change per row that moves, in key order.
    public static func unitCounts(of changes: [CommitBatch.UnitChange]) -> [ProjectionChange] {
        var deltas: [UnitCountKey: Int] = [:]
        for change in changes {
            if let before = change.before { deltas[UnitCountKey(before), default: 0] -= 1 }
            deltas[UnitCountKey(change.after), default: 0] += 1
        }
        return deltas.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { .unitCount($0.key, delta: $0.value) }
    }

    /// The tally `states` add up to.
    public static func unitCounts(of states: some Sequence<UnitState>) -> [UnitCountKey: Int] {
        var counts: [UnitCountKey: Int] = [:]
        for state in states { counts[UnitCountKey(state), default: 0] += 1 }
        return counts
    }

    /// What a `sell` event adds to the sales tally: each serialized unit counts one, each quantity line its
    /// quantity, at the store of a store sale, or where an online order was taken from.
    public static func sales(of event: Event) -> [(SalesKey, Quantity)] {
        guard event.kind == .sell, event.epcis == nil else { return [] }
        let day = CalendarDay(event.occurredAt)
        let store = event.sale?.storeCode
        let channel = store != nil ? "store" : "online"
        let location = store ?? event.source ?? event.location ?? "online"
        var totals: [String: Quantity] = [:]
        var order: [String] = []
        func add(_ sku: String, _ quantity: Quantity) {
            if totals[sku] == nil { order.append(sku) }
            totals[sku, default: .zero] += quantity
        }
        for line in event.units { add(line.sku, Quantity(whole: 1)) }
        for line in event.quantities ?? [] {
            if let quantity = try? Quantity(parsing: line.quantity) { add(line.sku, quantity) }
        }
        return order.map { (SalesKey(sku: $0, day: day, location: location, channel: channel), totals[$0]!) }
    }

    /// The quantity rows and sales tally the ledger's events add up to: what `verify` compares the stored
    /// projection with, and `rebuild` writes.
    public struct StockTotals: Sendable {
        public var levels: [StockKey: Quantity] = [:]
        public var sales: [SalesKey: Quantity] = [:]
        public var lots: [LotKey: Lot] = [:]

        public init() {}

        /// Adds `event`; for an error declaration, `corrected` is the event it corrects.
        public mutating func add(_ event: Event, correcting corrected: Event? = nil) {
            if event.epcis == nil {
                for lot in event.lots ?? [] { lots[LotKey(sku: lot.sku, code: lot.code)] = lot }
            }
            for movement in Projections.movements(of: event, correcting: corrected) {
                let total = levels[movement.key, default: .zero] + movement.delta
                levels[movement.key] = total == .zero ? nil : total
            }
            for (key, quantity) in Projections.sales(of: event, correcting: corrected) {
                sales[key, default: .zero] += quantity
            }
        }
    }

    /// The identifiers a captured EPCIS event names — its parent, EPC lists and quantity classes — each
    /// once, in order. Unitrace's own events name units, which `event_unit` already indexes: none here.
    public static func identifiers(of event: Event) -> [IdentifierName] {
        guard let captured = event.epcis else { return [] }
        return Set((captured.allEPCs + captured.allClasses).map(IdentifierName.init(canonicalizing:))).sorted()
    }

    /// The entries the index holds for `events`, in the order a store lists them (by sequence, then name).
    public static func entries(of events: [RecordedEvent]) -> [IdentifierEntry] {
        events.flatMap { recorded in
            identifiers(of: recorded.event).map { IdentifierEntry(sequence: recorded.sequence, identifier: $0) }
        }
    }
}
