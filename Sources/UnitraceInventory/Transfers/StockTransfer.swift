import Foundation
import UnitraceCore

/// A transfer of units and quantities from one of our places to another, or straight to a customer (a
/// drop-ship): requested, then shipped (in transit), then arrived. Kept beside the ledger; its shipment and
/// arrival are ledger events that name it (`transfer:ID`).
public struct StockTransfer: Hashable, Sendable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Asked for; nothing has moved.
        case requested
        /// On its way: the units and quantities are in transit.
        case shipped
        /// At its destination (or delivered to the customer).
        case arrived
        /// Called off before it shipped.
        case cancelled
    }

    /// One step of its way: when, by whom, the event that recorded it.
    public struct Step: Hashable, Sendable, Codable {
        public var at: Timestamp
        public var by: String
        public var event: UUID?
        public var reason: String?
    }

    public var id: String
    public var from: String
    /// A location code, or `customer:<reference>` for a drop-ship.
    public var to: String
    /// The customer order it serves, when it serves one.
    public var order: String?
    public var units: [UnitKey]
    public var quantities: [QuantityLine]
    public var state: State
    public var requested: Step
    public var shipped: Step?
    public var arrived: Step?
    public var cancelled: Step?

    /// Whether it goes straight to a customer.
    public var isDropShip: Bool { to.hasPrefix("customer:") }

    /// The documents its events refer to.
    public var documents: [DocumentRef] {
        [DocumentRef(type: "transfer", id: id)] + (order.map { [DocumentRef(type: "order", id: $0)] } ?? [])
    }

    /// The update that stores this transfer, moved on, in place of its form in `previous`.
    func moved(from previous: State) throws -> RecordUpdate {
        RecordUpdate(
            table: .transfer, id: id, from: previous.rawValue, to: state.rawValue, body: try StoredForms.json(self))
    }
}

/// Transfers on any engine's records.
extension RecordStore {
    func insertTransfer(_ transfer: StockTransfer) async throws {
        try await insertRecord(
            StoredRecord(
                table: .transfer, id: transfer.id, state: transfer.state.rawValue, createdAt: transfer.requested.at,
                body: try StoredForms.json(transfer)))
    }

    func transfer(id: String) async throws -> StockTransfer? {
        try await record(.transfer, id: id).map {
            try StoredForms.decode(StockTransfer.self, $0, what: "transfer \(id)")
        }
    }

    func transfers(state: StockTransfer.State?, limit: Int) async throws -> [StockTransfer] {
        try await records(.transfer, state: state?.rawValue, limit: limit).map {
            try StoredForms.decode(StockTransfer.self, $0, what: "a transfer")
        }
    }
}
