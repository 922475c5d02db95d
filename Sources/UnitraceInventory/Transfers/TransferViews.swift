import Foundation
import UnitraceCore

public struct TransferJSON: Encodable, Sendable {
    public struct Step: Encodable, Sendable {
        public var at: String
        public var by: String
        public var event: String?
        public var reason: String?

        init(_ step: StockTransfer.Step) {
            at = step.at.iso8601
            by = step.by
            event = step.event?.uuidString
            reason = step.reason
        }
    }

    public struct Line: Encodable, Sendable {
        public var product: String
        public var lot: String?
        public var quantity: String
        public var uom: String?
    }

    public var id: String
    public var from: String
    public var to: String
    public var dropShip: Bool
    public var order: String?
    public var state: String
    public var units: [String]
    public var quantities: [Line]
    public var requested: Step
    public var shipped: Step?
    public var arrived: Step?
    public var cancelled: Step?

    public init(_ transfer: StockTransfer) {
        id = transfer.id
        from = transfer.from
        to = transfer.to
        dropShip = transfer.isDropShip
        order = transfer.order
        state = transfer.state.rawValue
        units = transfer.units.map(\.description)
        quantities = transfer.quantities.map { Line(product: $0.sku, lot: $0.lot, quantity: $0.quantity, uom: $0.uom) }
        requested = Step(transfer.requested)
        shipped = transfer.shipped.map(Step.init)
        arrived = transfer.arrived.map(Step.init)
        cancelled = transfer.cancelled.map(Step.init)
    }

    /// In words, for the CLI.
    public var text: String {
        var lines = [
            "transfer \(id) \(from) → \(to)\(dropShip ? " (drop-ship)" : "") \(state): \(units.count) units, \(quantities.count) quantity lines"
        ]
        if let order { lines.append("  order     \(order)") }
        lines.append("  requested \(requested.at) by \(requested.by)")
        if let shipped { lines.append("  shipped   \(shipped.at) by \(shipped.by)") }
        if let arrived { lines.append("  arrived   \(arrived.at) by \(arrived.by)") }
        if let cancelled { lines.append("  cancelled \(cancelled.at) by \(cancelled.by): \(cancelled.reason ?? "")") }
        for unit in units { lines.append("  unit      \(unit)") }
        for line in quantities {
            let lot = line.lot.map { " lot \($0)" } ?? ""
            lines.append("  quantity  \(line.product)\(lot): \(line.quantity)\(line.uom.map { " \($0)" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}
