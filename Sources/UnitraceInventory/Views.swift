import Foundation
import UnitraceCore

/// A unit passport as JSON, for the CLI's `--json` and the API.
public struct PassportJSON: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var sequence: Int64
        public var kind: String
        public var occurredAt: String
        public var recordedAt: String
        public var location: String?
        public var destination: String?
        public var actor: String
        public var businessStep: String
        public var disposition: String?
        public var reason: String?
        public var documents: [DocumentRef]
        public var sale: Sale?
        public var corrects: String?
        public var unitsInEvent: Int
    }

    public var unit: String
    public var sku: String
    public var serial: String
    public var product: String
    public var status: String
    public var location: String
    public var destination: String?
    public var owner: String?
    public var lot: String?
    public var expiry: String?
    /// The container the unit is packed in.
    public var container: String?
    public var aliases: [Alias]
    public var attributes: [String: String]
    public var warranty: WarrantyPolicy?
    /// The open recalls that list it; absent when none does.
    public var recalls: [String]?
    /// Where its lot came from: made on, supplier, and the run, line, equipment, operator and shift that made it.
    public var origin: OriginJSON?
    /// The units it is installed in, innermost first; absent when it is in none.
    public var installedIn: [UnitPlaceJSON]?
    /// What is fitted in it now, recursively; absent when nothing is.
    public var components: [TraceNodeJSON]?
    /// Its inspections and tests, oldest first; absent when it has none.
    public var inspections: [InspectionJSON]?
    public var history: [Entry]

    public init(_ passport: Passport) {
        let state = passport.state
        unit = state.key.description
        sku = state.key.sku
        serial = state.key.serial
        product = passport.product.name
        status = state.status.rawValue
        location = state.location
        destination = state.destination
        owner = state.owner
        lot = state.lot
        expiry = state.expiry
        container = state.container
        aliases = state.aliases
        attributes = state.attributes
        warranty = passport.product.warranty
        origin = OriginJSON(lot: passport.lot, run: passport.run)
        recalls = passport.recalls.isEmpty ? nil : passport.recalls
        installedIn =
            passport.installedIn.isEmpty
            ? nil
            : passport.installedIn.map {
                UnitPlaceJSON(
                    unit: $0.key.description, status: $0.status.rawValue, location: $0.location, owner: $0.owner)
            }
        components =
            passport.components.isEmpty ? nil : passport.components.map { TraceNodeJSON($0, direction: .down) }
        let inspections = passport.inspections
        self.inspections = inspections.isEmpty ? nil : inspections.map(InspectionJSON.init)
        history = passport.history.map { entry in
            let event = entry.event
            return Entry(
                sequence: entry.sequence, kind: event.kind.rawValue, occurredAt: event.occurredAt.iso8601,
                recordedAt: event.recordedAt.iso8601, location: event.location, destination: event.destination,
                actor: event.actor, businessStep: event.businessStep, disposition: event.disposition,
                reason: event.reason,
                documents: event.documents, sale: event.sale, corrects: event.corrects?.uuidString,
                unitsInEvent: entry.unitCount)
        }
    }
}

/// Where a unit's lot came from.
public struct OriginJSON: Encodable, Sendable {
    public var madeOn: String?
    public var supplier: String?
    public var run: String?
    public var line: String?
    public var equipment: String?
    public var `operator`: String?
    public var shift: String?
    public var workOrder: String?
    /// What a production made the lot from, as `SKU/LOT QUANTITY [UOM]`.
    public var madeFrom: [String]?

    /// `nil` when there is nothing to say.
    init?(lot: Lot?, run: ProductionRun?) {
        guard let lot, lot.madeOn != nil || lot.supplier != nil || lot.run != nil else { return nil }
        madeFrom = lot.inputs.map { inputs in
            inputs.map(\.label)
        }
        madeOn = lot.madeOn?.description
        supplier = lot.supplier
        self.run = lot.run
        line = run?.line
        equipment = run?.equipment
        self.operator = run?.operator
        shift = run?.shift
        workOrder = run?.workOrder
    }

    /// `made 2026-09-28, run RUN-1 (line L1, equipment W3, operator OP-7, shift early), supplier ACME`
    public var text: String {
        var parts: [String] = []
        if let madeOn { parts.append("made \(madeOn)") }
        if let run {
            let details = [
                line.map { "line \($0)" }, equipment.map { "equipment \($0)" }, `operator`.map { "operator \($0)" },
                shift.map { "shift \($0)" }, workOrder.map { "work order \($0)" },
            ].compactMap { $0 }
            parts.append("run \(run)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        }
        if let supplier { parts.append("supplier \(supplier)") }
        if let madeFrom { parts.append("made from \(madeFrom.joined(separator: ", "))") }
        return parts.joined(separator: ", ")
    }
}

/// One history entry as table cells: sequence, time, event, where, who, CBV words, details.
/// One unit in a list.
public struct UnitJSON: Encodable, Sendable {
    public var unit: String
    public var status: String
    public var location: String
    public var owner: String?
    public var lot: String?
    public var attributes: [String: String]

    public init(_ state: UnitState) {
        unit = state.key.description
        status = state.status.rawValue
        location = state.location
        owner = state.owner
        lot = state.lot
        attributes = state.attributes
    }
}

/// One refused line of a batch.
public struct ProblemJSON: Encodable, Sendable {
    public var line: Int
    public var scan: String
    public var code: String
    public var message: String

    public init(_ problem: LineProblem) {
        line = problem.line
        scan = problem.scan
        code = problem.code
        message = problem.message
    }
}

/// What a use case recorded.
public struct OutcomeJSON: Encodable, Sendable {
    public var event: String
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var units: [String]
    public var duplicates: [ProblemJSON]
    /// The containers moved (with those inside them); absent when none.
    public var containers: [String]?
    /// Units of the event that an open recall lists, with the recalls; absent when none.
    public var recalled: [String: [String]]?
    public var hash: String

    public init(_ kind: EventKind, _ outcome: Outcome) {
        event = kind.rawValue
        firstSequence = outcome.receipt.firstSequence
        lastSequence = outcome.receipt.lastSequence
        units = outcome.units.map(\.description)
        duplicates = outcome.duplicates.map(ProblemJSON.init)
        containers = outcome.containers.isEmpty ? nil : outcome.containers
        recalled =
            outcome.recalled.isEmpty
            ? nil : Dictionary(uniqueKeysWithValues: outcome.recalled.map { ($0.key.description, $0.value) })
        hash = outcome.receipt.lastHash
    }
}
