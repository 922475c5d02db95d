import Foundation
import UnitraceCore

/// What a person or a client asks to record: an inspection of units (by any identifier), or of a lot as a
/// whole, and whether a failure holds the inspected units back.
public struct InspectionRequest: Hashable, Sendable {
    public var units: [String]
    public var product: String?
    /// The lot inspected as a whole, instead of units.
    public var lot: LotRef?
    public var inspection: Inspection
    /// Where the inspection happened; by default where the units are.
    public var location: String?
    /// A failed inspection quarantines the inspected units that are in stock or returned, in the same
    /// transaction (for a lot: every such unit of the lot).
    public var quarantine: Bool

    public init(
        units: [String] = [], product: String? = nil, lot: LotRef? = nil, inspection: Inspection,
        location: String? = nil, quarantine: Bool = false
    ) {
        self.units = units
        self.product = product
        self.lot = lot
        self.inspection = inspection
        self.location = location
        self.quarantine = quarantine
    }
}

/// What an inspection recorded.
public struct InspectionOutcome: Hashable, Sendable {
    public var receipt: BatchReceipt
    public var inspection: Inspection
    public var units: [UnitKey]
    /// The units the failure held back.
    public var quarantined: [UnitKey]
    public var duplicates: [LineProblem]
    public var recalled: [UnitKey: [String]]
}

/// One inspection in a unit's history.
public struct InspectionRecord: Hashable, Sendable {
    public var sequence: Int64
    public var occurredAt: Timestamp
    public var inspection: Inspection
    public var location: String?
    public var documents: [DocumentRef]
}

extension Inventory {
    /// Records an inspection or test of units, or of a lot, in the ledger: procedure, result, measurements,
    /// inspector, equipment, defect, and the certificate as a document. A failed one may quarantine the
    /// inspected units in the same transaction.
    /// - Throws: ``InputError`` for a bad field, no units or both units and a lot, a pass with a value outside
    ///   its limits, or `--quarantine` on a pass; ``BatchRejected`` naming every refused line. Nothing is
    ///   written then.
    public func inspect(_ request: InspectionRequest, context: EventContext) async throws -> InspectionOutcome {
        var inspection = try request.inspection.validated()
        if request.quarantine, inspection.result != .fail {
            throw InputError(code: .invalidField, message: "only a failed inspection quarantines (--quarantine)")
        }
        if let location = request.location { _ = try await requirePlace(location) }
        return try await retryingConflicts {
            var lines: [ScannedLine] = []
            var problems: [LineProblem] = []
            var duplicates: [LineProblem] = []
            var held: [UnitKey] = []
            switch (request.units.isEmpty, request.lot) {
            case (false, nil):
                let resolved = try await resolve(request.units, product: request.product)
                (lines, problems, duplicates) = (resolved.lines, resolved.problems, resolved.duplicates)
                held = lines.map(\.unit)
            case (true, let lot?):
                _ = try await requireProduct(lot.sku)
                let members = try await store.units(ofLot: lot.lot, sku: lot.sku)
                let key = LotKey(sku: lot.sku, code: lot.lot)
                if members.isEmpty, try await store.lots([key])[key] == nil {
                    throw InputError(code: .unknownLot, message: "unknown lot \(lot.lot) of \(lot.sku)")
                }
                inspection.lot = lot
                held = members
            default:
                throw InputError(
                    code: .invalidField,
                    message: "inspect units, or one lot as a whole (--lot SKU/LOT), not both or neither")
            }
            var event = newEvent(
                .inspect, context: context, location: request.location, lines: lines.map { EventLine(unit: $0.unit) })
            event.inspection = inspection
            var drafts = [Draft(event: event, lineNumbers: lines.map(\.line), scans: lines.map(\.scan))]
            var quarantined: [UnitKey] = []
            if request.quarantine, !held.isEmpty {
                let states = try await store.states(of: Set(held))
                quarantined = held.filter { [.inStock, .returned].contains(states[$0]?.status) }
                if !quarantined.isEmpty {
                    var holdContext = context
                    holdContext.reason =
                        "failed inspection \(inspection.procedure)" + (inspection.defect.map { ": \($0)" } ?? "")
                    let hold = newEvent(
                        .quarantine, context: holdContext, location: nil,
                        lines: quarantined.map { EventLine(unit: $0) })
                    let numbers = Dictionary(lines.map { ($0.unit, ($0.line, $0.scan)) }) { first, _ in first }
                    drafts.append(
                        Draft(
                            event: hold, lineNumbers: quarantined.map { numbers[$0]?.0 ?? 0 },
                            scans: quarantined.map { numbers[$0]?.1 ?? $0.description }))
                }
            }
            let receipt = try await commit(drafts, earlier: problems)
            return InspectionOutcome(
                receipt: receipt, inspection: inspection, units: lines.map(\.unit), quarantined: quarantined,
                duplicates: duplicates, recalled: try await recallFlags(Set(lines.map(\.unit))))
        }
    }
}

extension Passport {
    /// The inspections of the unit, oldest first (those of its lot as a whole are in the lot's history).
    public var inspections: [InspectionRecord] {
        history.compactMap { entry in
            entry.event.inspection.map {
                InspectionRecord(
                    sequence: entry.sequence, occurredAt: entry.event.occurredAt, inspection: $0,
                    location: entry.event.location, documents: entry.event.documents)
            }
        }
    }
}
