import Foundation
import UnitraceCore

/// A quantity line as the CLI's `--json` and the API show it.
public struct PackedLineJSON: Encodable, Sendable, Hashable {
    public var product: String
    public var lot: String?
    public var quantity: String
    public var uom: String?
}

/// What a pack or unpack recorded.
public struct PackOutcomeJSON: Encodable, Sendable {
    public var event: String
    public var sequence: Int64
    public var container: String
    public var location: String
    public var units: [String]
    public var quantities: [PackedLineJSON]
    public var containers: [String]
    public var duplicates: [ProblemJSON]
    public var hash: String

    public init(_ outcome: PackOutcome) {
        event = outcome.kind.rawValue
        sequence = outcome.receipt.lastSequence
        container = outcome.container
        location = outcome.location
        units = outcome.units.map(\.description)
        quantities = outcome.quantities.map {
            PackedLineJSON(product: $0.sku, lot: $0.lot, quantity: $0.quantity, uom: $0.uom)
        }
        containers = outcome.containers
        duplicates = outcome.duplicates.map(ProblemJSON.init)
        hash = outcome.receipt.lastHash
    }

    /// One line for people: `packed 2 units, 1 quantity line, 1 container into 003… at WH1 (sequence 41)`.
    public var summary: String {
        var parts: [String] = []
        if !units.isEmpty { parts.append("\(units.count) unit\(units.count == 1 ? "" : "s")") }
        if !quantities.isEmpty {
            parts.append("\(quantities.count) quantity line\(quantities.count == 1 ? "" : "s")")
        }
        if !containers.isEmpty { parts.append("\(containers.count) container\(containers.count == 1 ? "" : "s")") }
        let verb = event == EventKind.pack.rawValue ? "packed" : "unpacked"
        let preposition = event == EventKind.pack.rawValue ? "into" : "from"
        return
            "\(verb) \(parts.joined(separator: ", ")) \(preposition) \(container) at \(location) (sequence \(sequence))"
    }
}

/// A container and all it holds, recursively.
public struct ContainerJSON: Encodable, Sendable {
    public struct Unit: Encodable, Sendable {
        public var unit: String
        public var status: String
    }

    public var sscc: String
    public var digitalLink: String
    public var location: String
    public var destination: String?
    /// The container it is packed in.
    public var parent: String?
    /// Units in it and in every container inside it.
    public var totalUnits: Int
    public var units: [Unit]
    public var quantities: [PackedLineJSON]
    public var containers: [ContainerJSON]

    public init(_ content: ContainerContent, uoms: [String: String] = [:]) {
        sscc = content.state.sscc
        digitalLink = SSCC.digitalLink(content.state.sscc)
        location = content.state.location
        destination = content.state.destination
        parent = content.state.parent
        totalUnits = content.unitCount
        units = content.units.map { Unit(unit: $0.key.description, status: $0.status.rawValue) }
        quantities = content.quantities.map {
            PackedLineJSON(
                product: $0.sku, lot: $0.lot.isEmpty ? nil : $0.lot, quantity: $0.quantity.description,
                uom: uoms[$0.sku])
        }
        containers = content.containers.map { ContainerJSON($0, uoms: uoms) }
    }

    /// The tree as indented lines for people.
    public var text: String {
        var lines: [String] = []
        func add(_ node: ContainerJSON, depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            let place = node.location + (node.destination.map { " → \($0)" } ?? "")
            lines.append(
                "\(indent)container \(node.sscc)  at \(place)  (\(node.totalUnits) unit\(node.totalUnits == 1 ? "" : "s") inside)"
            )
            for unit in node.units { lines.append("\(indent)  unit \(unit.unit)  \(unit.status)") }
            for line in node.quantities {
                let lot = line.lot.map { " lot \($0)" } ?? ""
                lines.append("\(indent)  \(line.product)\(lot)  \(line.quantity)\(line.uom.map { " \($0)" } ?? "")")
            }
            for child in node.containers { add(child, depth: depth + 1) }
        }
        add(self, depth: 0)
        if let parent { lines.append("inside container \(parent)") }
        return lines.joined(separator: "\n")
    }
}
