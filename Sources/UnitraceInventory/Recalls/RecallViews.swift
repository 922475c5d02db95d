import Foundation
import UnitraceCore

/// A recall's criteria as JSON: only the kinds it uses.
public struct RecallCriteriaJSON: Codable, Sendable, Equatable {
    public var products: [String]?
    public var lots: [String]?
    public var runs: [String]?
    public var lines: [String]?
    public var equipment: [String]?
    public var operators: [String]?
    public var suppliers: [String]?
    public var madeFrom: String?
    public var madeThrough: String?
    public var serials: [String]?
    public var componentLots: [String]?
    public var components: [String]?

    public init(_ criteria: RecallCriteria) {
        func list(_ values: [String]) -> [String]? { values.isEmpty ? nil : values }
        products = list(criteria.products)
        lots = list(criteria.lots.map(\.description))
        runs = list(criteria.runs)
        lines = list(criteria.lines)
        equipment = list(criteria.equipment)
        operators = list(criteria.operators)
        suppliers = list(criteria.suppliers)
        madeFrom = criteria.madeFrom?.description
        madeThrough = criteria.madeThrough?.description
        serials = list(criteria.serialRanges.map(\.description))
        componentLots = list(criteria.componentLots.map(\.description))
        components = list(criteria.components.map(\.description))
    }

    /// The criteria these members say, checked: lots and component lots as `SKU/LOT`, serials as
    /// `SKU/FROM..TO`, components as `SKU/SERIAL`, days as `YYYY-MM-DD`.
    /// - Throws: ``InputError`` naming the first bad value.
    public func criteria() throws(InputError) -> RecallCriteria {
        var criteria = RecallCriteria()
        func codes(_ values: [String]?, _ name: String) throws(InputError) -> [String] {
            var result: [String] = []
            for value in values ?? [] { result.append(try Field.serial(value, name: name)) }
            return result
        }
        criteria.products = try codes(products, "product")
        criteria.runs = try codes(runs, "run")
        criteria.lines = try codes(lines, "line")
        criteria.equipment = try codes(equipment, "equipment")
        criteria.operators = try codes(operators, "operator")
        criteria.suppliers = try codes(suppliers, "supplier")
        for text in lots ?? [] { criteria.lots.append(try LotRef(parsing: text)) }
        for text in componentLots ?? [] { criteria.componentLots.append(try LotRef(parsing: text)) }
        for text in serials ?? [] { criteria.serialRanges.append(try SerialRange(parsing: text)) }
        for text in components ?? [] {
            guard let key = UnitKey(parsing: text) else {
                throw InputError(
                    code: .invalidField, message: "a component is written SKU/SERIAL, not '\(Limits.quote(text))'")
            }
            criteria.components.append(key)
        }
        criteria.madeFrom = try madeFrom.map { text throws(InputError) in
            try CalendarDay(parsing: text, name: "made from")
        }
        criteria.madeThrough = try madeThrough.map { text throws(InputError) in
            try CalendarDay(parsing: text, name: "made through")
        }
        if let from = criteria.madeFrom, let through = criteria.madeThrough, through < from {
            throw InputError(
                code: .invalidField, message: "made-on dates run from \(from) to a later day, not \(through)")
        }
        return criteria
    }
}

/// One affected unit as JSON.
public struct RecallUnitJSON: Encodable, Sendable {
    public var unit: String
    public var partition: String
    public var status: String
    public var location: String
    /// The customer to tell, for a sold unit; left out for roles that may not see customers.
    public var customer: String?
    public var installedIn: String?
    public var reason: String
    public var quarantined: Bool
    public var outcome: String?
    public var outcomeAt: String?
    public var outcomeBy: String?
    public var note: String?

    init(_ unit: RecallUnit, showCustomers: Bool) {
        self.unit = unit.unit.description
        partition = unit.partition.rawValue
        status = unit.status.rawValue
        location = unit.location
        customer = showCustomers ? unit.customer : nil
        installedIn = unit.installedIn?.description
        reason = unit.reason
        quarantined = unit.quarantined
        outcome = unit.outcome?.rawValue
        outcomeAt = unit.outcomeAt?.iso8601
        outcomeBy = unit.outcomeBy
        note = unit.note
    }
}

/// A recall as JSON: criteria, when it was frozen, counts by partition and outcome, the share closed, and its
/// units.
public struct RecallJSON: Encodable, Sendable {
    public struct Totals: Encodable, Sendable {
        public var units: Int
        public var closed: Int
        /// Closed units over all units, 0 to 1.
        public var closedShare: Double
        public var byPartition: [String: Int]
        public var byOutcome: [String: Int]
    }

    public var id: String
    public var reason: String
    public var state: String
    public var criteria: RecallCriteriaJSON
    public var createdAt: String
    public var createdBy: String
    public var quarantineEvent: String?
    public var closedAt: String?
    public var closedBy: String?
    public var forcedReason: String?
    public var totals: Totals
    /// Said when the criteria matched no unit.
    public var message: String?
    public var units: [RecallUnitJSON]

    /// - Parameter showCustomers: whether the reader may see which customer holds a sold unit.
    public init(_ report: RecallReport, showCustomers: Bool = true) {
        let recall = report.recall
        id = recall.id
        reason = recall.reason
        state = recall.state.rawValue
        criteria = RecallCriteriaJSON(recall.criteria)
        createdAt = recall.createdAt.iso8601
        createdBy = recall.createdBy
        quarantineEvent = recall.quarantineEvent?.uuidString.lowercased()
        closedAt = recall.closedAt?.iso8601
        closedBy = recall.closedBy
        forcedReason = recall.forcedReason
        totals = Totals(
            units: report.units.count, closed: report.closedCount,
            closedShare: (report.closedShare * 1000).rounded() / 1000,
            byPartition: Dictionary(uniqueKeysWithValues: report.byPartition.map { ($0.key.rawValue, $0.value) }),
            byOutcome: Dictionary(uniqueKeysWithValues: report.byOutcome.map { ($0.key.rawValue, $0.value) }))
        message = report.units.isEmpty ? "the criteria match no unit: the recall affects nothing" : nil
        units = report.units.map { RecallUnitJSON($0, showCustomers: showCustomers) }
    }

    /// The summary for people: what, why, how many where, how far along.
    public var summary: String {
        var lines = ["recall \(id) (\(state)): \(reason)", "criteria    \(RecallCriteriaText.text(criteria))"]
        lines.append("made        \(createdAt) by \(createdBy)")
        if let message { lines.append(message) }
        let partitions = RecallPartition.allCases.compactMap { partition in
            totals.byPartition[partition.rawValue].map { "\($0) \(partition.rawValue)" }
        }
        lines.append(
            "affected    \(totals.units) unit(s)"
                + (partitions.isEmpty ? "" : ": " + partitions.joined(separator: ", ")))
        let quarantined = units.filter(\.quarantined).count
        if quarantined > 0 {
            lines.append("quarantined \(quarantined) unit(s) in stock, in the recall's own transaction")
        }
        let percent = Int((totals.closedShare * 100).rounded())
        let outcomes = RecallOutcome.allCases.compactMap { outcome in
            totals.byOutcome[outcome.rawValue].map { "\($0) \(outcome.rawValue)" }
        }
        lines.append(
            "progress    \(totals.closed) of \(totals.units) closed (\(percent) %)"
                + (outcomes.isEmpty ? "" : ": " + outcomes.joined(separator: ", ")))
        if let closedAt {
            lines.append(
                "closed      \(closedAt) by \(closedBy ?? "-")" + (forcedReason.map { ", forced: \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    /// The summary, then one line a unit.
    public var text: String {
        var lines = [summary]
        for partition in RecallPartition.allCases {
            let members = units.filter { $0.partition == partition.rawValue }
            guard !members.isEmpty else { continue }
            lines.append("\(partition.rawValue) (\(members.count))")
            for unit in members {
                var parts = ["  \(unit.unit)", TraceNodeJSON.whereabouts(unit.status, unit.location)]
                if let customer = unit.customer { parts.append("customer \(customer)") }
                if let parent = unit.installedIn { parts.append("in \(parent)") }
                parts.append(unit.reason)
                if unit.quarantined { parts.append("quarantined") }
                if let outcome = unit.outcome { parts.append("→ \(outcome)") }
                lines.append(parts.joined(separator: "  "))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The report for a regulator as CSV: one row a unit, with the recall's id, reason and criteria on each.
    public var csv: String {
        let header = [
            "recall", "reason", "criteria", "made_at", "unit", "partition", "status_at_recall", "location_at_recall",
            "customer", "installed_in", "why", "quarantined", "outcome", "outcome_at", "outcome_by", "note",
        ]
        var rows = [header.map(CSVText.field).joined(separator: ",")]
        let criteriaText = RecallCriteriaText.text(criteria)
        for unit in units {
            let cells = [
                id, reason, criteriaText, createdAt, unit.unit, unit.partition, unit.status, unit.location,
                unit.customer ?? "", unit.installedIn ?? "", unit.reason, unit.quarantined ? "yes" : "no",
                unit.outcome ?? "", unit.outcomeAt ?? "", unit.outcomeBy ?? "", unit.note ?? "",
            ]
            rows.append(cells.map(CSVText.field).joined(separator: ","))
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}

enum RecallCriteriaText {
    static func text(_ criteria: RecallCriteriaJSON) -> String {
        (try? criteria.criteria().summary) ?? ""
    }
}

/// Writing CSV (RFC 4180): a field with a comma, a quote or a line break is quoted, its quotes doubled; a field
/// that a spreadsheet would take for a formula is prefixed with a quote mark.
public enum CSVText {
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), value.count > 1,
            !value.allSatisfy({ $0.isNumber || $0 == "-" })
        {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
