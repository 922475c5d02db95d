import Foundation
import UnitraceCore

/// Advance ship notices and purchase orders, and the scans of their receipts, on any engine's records.
extension RecordStore {
    /// Adds a notice. - Throws: ``StoreError`` `conflict` when its id is taken.
    func insertNotice(_ notice: ShipNotice) async throws {
        try await insertRecord(
            StoredRecord(
                table: .notice, id: notice.id, state: notice.state.rawValue, createdAt: notice.createdAt,
                body: try StoredForms.json(notice)))
    }

    func notice(id: String) async throws -> ShipNotice? {
        try await record(.notice, id: id).map { try StoredForms.decode(ShipNotice.self, $0, what: "notice \(id)") }
    }

    /// Notices, newest first, at most `limit`.
    func notices(limit: Int) async throws -> [ShipNotice] {
        try await records(.notice, state: nil, limit: limit).map {
            try StoredForms.decode(ShipNotice.self, $0, what: "a notice")
        }
    }
}

extension ShipNotice {
    /// The update that stores this notice, settled, in place of its open form.
    func settling() throws -> RecordUpdate {
        RecordUpdate(
            table: .notice, id: id, from: State.open.rawValue, to: state.rawValue, body: try StoredForms.json(self))
    }
}

/// What a supplier says is coming: an advance ship notice (EPCIS `desadv`) or a purchase order (`po`), with
/// the serials or the quantities per product and lot.
public struct ShipNotice: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case asn
        case po

        /// The CBV business transaction type of its document.
        public var documentType: String { self == .asn ? "desadv" : "po" }
    }

    public enum State: String, Sendable, Codable {
        /// Announced; receiving scans arrive.
        case open
        /// Received in full: everything that came is in stock.
        case accepted
        /// Received in part: only what matches the notice is in stock.
        case partial
        /// Refused: nothing was received.
        case refused
    }

    /// How a receipt ended: when, by whom, what it took in, and the supplier's lead time.
    public struct Settlement: Hashable, Sendable, Codable {
        public var at: Timestamp
        public var by: String
        public var receivedOn: CalendarDay
        /// Days from `orderedOn` to `receivedOn`, when the order date is known.
        public var leadTimeDays: Int64?
        public var reason: String?
        /// The receive event, when anything was received.
        public var event: UUID?
        public var units: Int
        public var quantityLines: Int

        public init(
            at: Timestamp, by: String, receivedOn: CalendarDay, leadTimeDays: Int64?, reason: String?, event: UUID?,
            units: Int, quantityLines: Int
        ) {
            self.at = at
            self.by = by
            self.receivedOn = receivedOn
            self.leadTimeDays = leadTimeDays
            self.reason = reason
            self.event = event
            self.units = units
            self.quantityLines = quantityLines
        }
    }

    /// The supplier's document number (`ASN-1001`, `PO-4711`).
    public var id: String
    public var kind: Kind
    public var supplier: String
    /// The purchase order an ASN answers.
    public var order: String?
    /// When the goods were ordered: the start of the lead time.
    public var orderedOn: CalendarDay?
    public var expectedOn: CalendarDay?
    /// Where the goods are to be received; `accept` may name another place.
    public var location: String?
    public var lines: [NoticeLine]
    public var state: State
    public var createdAt: Timestamp
    public var createdBy: String
    public var settlement: Settlement?

    public init(
        id: String, kind: Kind, supplier: String, order: String? = nil, orderedOn: CalendarDay? = nil,
        expectedOn: CalendarDay? = nil, location: String? = nil, lines: [NoticeLine], state: State = .open,
        createdAt: Timestamp, createdBy: String, settlement: Settlement? = nil
    ) {
        self.id = id
        self.kind = kind
        self.supplier = supplier
        self.order = order
        self.orderedOn = orderedOn
        self.expectedOn = expectedOn
        self.location = location
        self.lines = lines
        self.state = state
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.settlement = settlement
    }

    /// The document events that receive it refer to.
    public var documents: [DocumentRef] {
        var documents = [DocumentRef(type: kind.documentType, id: id)]
        if let order, kind == .asn { documents.append(DocumentRef(type: "po", id: order)) }
        return documents
    }
}

/// One announced line: a serialized unit (with its lot and expiry when the label carries them), or a
/// quantity of a lot-tracked or bulk product (with the lot's dates).
public struct NoticeLine: Hashable, Sendable, Codable {
    public var sku: String
    public var serial: String?
    public var lot: String?
    public var quantity: Quantity?
    public var expiry: CalendarDay?
    public var madeOn: CalendarDay?

    public init(
        sku: String, serial: String? = nil, lot: String? = nil, quantity: Quantity? = nil,
        expiry: CalendarDay? = nil, madeOn: CalendarDay? = nil
    ) {
        self.sku = sku
        self.serial = serial
        self.lot = lot
        self.quantity = quantity
        self.expiry = expiry
        self.madeOn = madeOn
    }

    public var unit: UnitKey? { serial.map { UnitKey(sku: sku, serial: $0) } }
}
