import Foundation
import UnitraceCore

/// What an install or removal recorded, for the CLI's `--json` and the API.
public struct AssemblyOutcomeJSON: Encodable, Sendable {
    public var event: String
    public var sequence: Int64
    public var parent: String
    public var components: [String]
    public var location: String
    public var duplicates: [ProblemJSON]
    public var hash: String

    public init(_ outcome: AssemblyOutcome) {
        event = outcome.kind.rawValue
        sequence = outcome.receipt.lastSequence
        parent = outcome.parent.description
        components = outcome.components.map(\.description)
        location = outcome.location
        duplicates = outcome.duplicates.map(ProblemJSON.init)
        hash = outcome.receipt.lastHash
    }

    /// One line for people: `installed EVM-200/M-1 into TERRA-SUV/VF7… at LYON (sequence 41)`.
    public var summary: String {
        let installing = event == EventKind.install.rawValue
        return
            "\(installing ? "installed" : "removed") \(components.joined(separator: ", ")) \(installing ? "into" : "from") \(parent) at \(location) (sequence \(sequence))"
    }
}

/// One unit of a trace as JSON: who it is, where it is now, its origin, and the units under it.
public struct TraceNodeJSON: Encodable, Sendable {
    public var unit: String
    public var product: String
    public var status: String
    public var location: String
    public var owner: String?
    public var lot: String?
    public var madeOn: String?
    public var run: String?
    /// The line, equipment and shift of its run, when the run was recorded.
    public var line: String?
    public var equipment: String?
    public var shift: String?
    public var supplier: String?
    /// When it went into the unit above it (down), or when the unit below went into it (up).
    public var installedAt: String?
    /// When it came out again; absent while it is still in.
    public var removedAt: String?
    /// Down: its components. Up: the units it went into.
    public var children: [TraceNodeJSON]
    var childrenKey: String

    enum CodingKeys: String, CodingKey {
        case unit, product, status, location, owner, lot, madeOn, run, line, equipment, shift, supplier
        case installedAt, removedAt
        case components, usedIn
    }

    init(_ node: TraceNode, direction: Trace.Direction) {
        unit = node.state.key.description
        product = node.productName
        status = node.state.status.rawValue
        location = node.state.location
        owner = node.state.owner
        lot = node.state.lot
        madeOn = node.lot?.madeOn?.description
        run = node.lot?.run
        line = node.run?.line
        equipment = node.run?.equipment
        shift = node.run?.shift
        supplier = node.lot?.supplier
        installedAt = node.link.map { Self.time($0.installedMs) }
        removedAt = node.link?.removedMs.map(Self.time)
        children = node.children.map { TraceNodeJSON($0, direction: direction) }
        childrenKey = direction == .down ? "components" : "usedIn"
    }

    static func time(_ ms: Int64) -> String { Timestamp(millisecondsSince1970: ms, offsetSeconds: 0).iso8601 }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(product, forKey: .product)
        try container.encode(status, forKey: .status)
        try container.encode(location, forKey: .location)
        try container.encodeIfPresent(owner, forKey: .owner)
        try container.encodeIfPresent(lot, forKey: .lot)
        try container.encodeIfPresent(madeOn, forKey: .madeOn)
        try container.encodeIfPresent(run, forKey: .run)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encodeIfPresent(equipment, forKey: .equipment)
        try container.encodeIfPresent(shift, forKey: .shift)
        try container.encodeIfPresent(supplier, forKey: .supplier)
        try container.encodeIfPresent(installedAt, forKey: .installedAt)
        try container.encodeIfPresent(removedAt, forKey: .removedAt)
        try container.encode(children, forKey: childrenKey == "components" ? .components : .usedIn)
    }

    /// `EVM-200/M-1  Drive motor  in-stock at LYON  lot L-1 (made 2026-09-01, run R-7, supplier S)  in since …`
    var text: String {
        var parts = ["\(unit)  \(product)  " + Self.whereabouts(status, location)]
        if let owner { parts.append("owner \(owner)") }
        if let lot {
            let origin = [
                madeOn.map { "made \($0)" }, run.map { "run \($0)" }, line.map { "line \($0)" },
                supplier.map { "supplier \($0)" },
            ].compactMap { $0 }
            parts.append("lot \(lot)" + (origin.isEmpty ? "" : " (\(origin.joined(separator: ", ")))"))
        }
        if let installedAt { parts.append(removedAt.map { "in \(installedAt) … \($0)" } ?? "in since \(installedAt)") }
        return parts.joined(separator: "  ")
    }

    /// `in-stock at WH1`; an installed part is where the unit it is in is (the tree or the line says which),
    /// and a scrapped unit is nowhere.
    static func whereabouts(_ status: String, _ location: String) -> String {
        status == UnitStatus.installed.rawValue || status == UnitStatus.scrapped.rawValue
            ? status : "\(status) at \(location)"
    }

    public func tree(prefix: String, last: Bool, top: Bool, into lines: inout [String]) {
        lines.append(top ? text : prefix + (last ? "└─ " : "├─ ") + text)
        let inner = top ? "" : prefix + (last ? "   " : "│  ")
        for (index, child) in children.enumerated() {
            child.tree(prefix: inner, last: index == children.count - 1, top: false, into: &lines)
        }
    }
}

/// A unit and where it is now: a finished unit a trace up ends in, or a unit another is installed in.
public struct UnitPlaceJSON: Encodable, Sendable {
    public var unit: String
    public var status: String
    public var location: String
    public var owner: String?
}

/// How many outermost units of a trace up are at one place.
public struct PlaceCountJSON: Encodable, Sendable {
    public var status: String
    public var location: String
    public var count: Int
}

/// The outermost units a trace up ends in, for the CLI's `--json` and the API.
public struct OutermostJSON: Encodable, Sendable {
    public var members: Int
    public var installed: Int
    public var total: Int
    public var places: [PlaceCountJSON]
    public var units: [UnitPlaceJSON]
    /// Pass as `after` for the next page; absent on the last one.
    public var next: String?

    public init(_ page: OutermostPage) {
        members = page.members
        installed = page.installed
        total = page.total
        places = page.places.map {
            PlaceCountJSON(status: $0.status.rawValue, location: $0.location, count: $0.count)
        }
        units = page.units.map {
            UnitPlaceJSON(unit: $0.key.description, status: $0.status.rawValue, location: $0.location, owner: $0.owner)
        }
        next = page.next?.description
    }
}

/// A lot made from the lot traced up, for the CLI's `--json` and the API.
public struct DerivedLotJSON: Encodable, Sendable {
    public var product: String
    public var lot: String
    public var from: String
    public var run: String?
    public var outermost: OutermostJSON

    public init(_ derived: DerivedLot) {
        product = derived.lot.sku
        lot = derived.lot.code
        from = "\(derived.from.sku)/\(derived.from.code)"
        run = derived.lot.run
        outermost = OutermostJSON(derived.outermost)
    }
}

/// A trace, for the CLI's `--json` and the API.
public struct TraceJSON: Encodable, Sendable {
    public var direction: String
    public var at: String?
    public var product: String?
    public var lot: String?
    public var roots: [TraceNodeJSON]
    /// Up: the outermost units that hold or held what was traced, by place, with one page of them.
    public var outermost: OutermostJSON?
    /// Up from a lot: the lots made from it, at any depth, each with its units' outermost units.
    public var madeInto: [DerivedLotJSON]?

    public init(_ trace: Trace) {
        direction = trace.direction.rawValue
        at = trace.at?.iso8601
        product = trace.lot?.sku
        lot = trace.lot?.code
        roots = trace.roots.map { TraceNodeJSON($0, direction: trace.direction) }
        outermost = trace.outermost.map(OutermostJSON.init)
        madeInto = trace.madeInto.isEmpty ? nil : trace.madeInto.map(DerivedLotJSON.init)
    }

    /// The tree for people, one unit a line, and for a trace up the outermost units at the end.
    public var text: String {
        var lines: [String] = []
        if let lot, let product {
            let members = outermost?.members ?? roots.count
            lines.append("lot \(lot) of \(product): " + (members == 0 ? "no units of its own" : "\(members) unit(s)"))
            if roots.isEmpty, members > Trace.treeLimit, let installed = outermost?.installed {
                lines.append(
                    "\(installed) fitted in other units now; the tree is drawn for lots of up to \(Trace.treeLimit)")
            }
        }
        for root in roots { root.tree(prefix: "", last: true, top: true, into: &lines) }
        if let outermost, outermost.members > 0 || madeInto == nil {
            var statuses: [String: Int] = [:]
            for place in outermost.places { statuses[place.status, default: 0] += place.count }
            let counts = statuses.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            lines.append(
                "outermost units: \(outermost.total)" + (counts.isEmpty ? "" : " (\(counts.joined(separator: ", ")))"))
            if outermost.units.count < outermost.total {
                for place in outermost.places {
                    lines.append("  \(place.count) \(TraceNodeJSON.whereabouts(place.status, place.location))")
                }
            }
            if outermost.units.count < outermost.total { lines.append("first \(outermost.units.count):") }
            for unit in outermost.units {
                lines.append(
                    "  \(unit.unit)  \(TraceNodeJSON.whereabouts(unit.status, unit.location))"
                        + (unit.owner.map { "  owner \($0)" } ?? ""))
            }
            if let next = outermost.next { lines.append("more: --after \(next)") }
        }
        for derived in madeInto ?? [] {
            lines.append(
                "made into lot \(derived.lot) of \(derived.product) (from \(derived.from)"
                    + (derived.run.map { ", run \($0)" } ?? "")
                    + "): \(derived.outermost.members) unit(s), \(derived.outermost.installed) fitted in other units, "
                    + "\(derived.outermost.total) outermost")
            for unit in derived.outermost.units {
                lines.append(
                    "  \(unit.unit)  \(TraceNodeJSON.whereabouts(unit.status, unit.location))"
                        + (unit.owner.map { "  owner \($0)" } ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A trace back, for the CLI's `--json` and the API.
public struct BackTraceJSON: Encodable, Sendable {
    public struct Step: Encodable, Sendable {
        public var sequence: Int64
        public var eventTime: String
        public var type: String
        public var action: String?
        public var bizStep: String?
        public var place: String?
        public var eventID: String?
        public var via: String
        public var leadsTo: [String]?
        /// `own` for Unitrace's own events, `partner` for captured ones.
        public var source: String
    }

    public var identifier: String
    public var identifiers: [String]
    public var steps: [Step]

    public init(_ trace: BackTrace) {
        identifier = trace.identifier.value
        identifiers = trace.identifiers.map(\.value)
        steps = trace.steps.map {
            Step(
                sequence: $0.sequence, eventTime: $0.eventTime, type: $0.type.rawValue, action: $0.action,
                bizStep: $0.bizStep, place: $0.place, eventID: $0.eventID, via: $0.via.value,
                leadsTo: $0.leadsTo.isEmpty ? nil : $0.leadsTo.map(\.value), source: $0.own ? "own" : "partner")
        }
    }

    /// The path for people, oldest event first.
    public var text: String {
        var lines = [
            "\(identifier): \(steps.count) event(s) through \(identifiers.count) identifier(s)"
        ]
        for step in steps {
            var line = "  #\(step.sequence)  \(step.eventTime)  \(step.source)  \(step.type)"
            if let action = step.action { line += " \(action)" }
            if let bizStep = step.bizStep { line += "  \(bizStep)" }
            if let place = step.place { line += "  at \(place)" }
            if step.via != identifier { line += "  (via \(step.via))" }
            lines.append(line)
            if let leadsTo = step.leadsTo { lines.append("      ← \(leadsTo.joined(separator: ", "))") }
        }
        return lines.joined(separator: "\n")
    }
}
