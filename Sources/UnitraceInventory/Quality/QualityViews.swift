import Foundation
import UnitraceCore

/// A cause analysis, for the CLI's `--json` and the API.
public struct CauseAnalysisJSON: Encodable, Sendable {
    public struct Finding: Encodable, Sendable {
        public var factor: String
        public var value: String
        /// Failed and total units with the value, and without it.
        public var failedWith: Int
        public var unitsWith: Int
        public var failedWithout: Int
        public var unitsWithout: Int
        public var rateWith: Double
        public var rateWithout: Double
        public var relativeRisk: Double
        public var relativeRiskLow: Double
        public var relativeRiskHigh: Double
        public var pValue: Double
        /// Other factor values held by exactly the same units, as `factor value`: not told apart.
        public var sameUnits: [String]?
    }

    public var products: [String]
    public var failed: Int
    public var population: Int
    public var failedUnits: [String]
    public var findings: [Finding]

    public init(_ analysis: CauseAnalysis) {
        products = analysis.products
        failed = analysis.failed.count
        population = analysis.population
        failedUnits = analysis.failed.map(\.description)
        findings = analysis.findings.map { finding in
            let s = finding.statistics
            let interval = s.confidenceInterval
            return Finding(
                factor: finding.factor.rawValue, value: finding.value, failedWith: s.failedWith,
                unitsWith: s.failedWith + s.fineWith, failedWithout: s.failedWithout,
                unitsWithout: s.failedWithout + s.fineWithout, rateWith: Self.round(s.rateWith),
                rateWithout: Self.round(s.rateWithout), relativeRisk: Self.round(s.relativeRisk),
                relativeRiskLow: Self.round(interval.low), relativeRiskHigh: Self.round(interval.high),
                pValue: Double(String(format: "%.3g", s.fisherPValue)) ?? s.fisherPValue,
                sameUnits: finding.sameUnits.isEmpty
                    ? nil : finding.sameUnits.map { "\($0.factor.rawValue) \($0.value)" })
        }
    }

    private static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// A table for people, strongest factor first.
    public var text: String {
        var lines = [
            "\(failed) failed of \(population) unit(s) of \(products.joined(separator: ", "))"
        ]
        guard !findings.isEmpty else {
            lines.append("no factor goes with more failure than the rest")
            return lines.joined(separator: "\n")
        }
        lines.append("factors shared by the failed units, strongest first (Fisher's exact test, one-sided):")
        let rows = findings.map { finding in
            [
                finding.factor, finding.value, "\(finding.failedWith)/\(finding.unitsWith)",
                String(format: "%.1f%%", finding.rateWith * 100), String(format: "%.1f%%", finding.rateWithout * 100),
                String(
                    format: "%.2f (%.2f–%.2f)", finding.relativeRisk, finding.relativeRiskLow, finding.relativeRiskHigh),
                String(format: "%.2g", finding.pValue),
            ]
        }
        let header = ["FACTOR", "VALUE", "FAILED", "RATE", "REST", "RELATIVE RISK (95% CI)", "P"]
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        for (index, row) in ([header] + rows).enumerated() {
            lines.append(
                "  "
                    + row.enumerated().map { column, cell in
                        cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            if index > 0, let same = findings[index - 1].sameUnits {
                lines.append("    the same units: \(same.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A damage timeline, for the CLI's `--json` and the API.
public struct DamageTimelineJSON: Encodable, Sendable {
    public struct Sign: Encodable, Sendable {
        public var sequence: Int64
        public var occurredAt: String
        public var event: String
        public var what: String
        public var phase: String
        public var location: String?
    }

    public struct Group: Encodable, Sendable {
        public var name: String
        public var units: Int
        public var fine: Int
        public var flagged: [String]
        public var byStatus: [String: Int]
    }

    public var unit: String
    public var status: String
    public var firstSign: Sign?
    public var signs: Int
    public var lot: Group?
    public var run: Group?

    public init(_ timeline: DamageTimeline) {
        unit = timeline.unit.description
        status = timeline.status.rawValue
        firstSign = timeline.firstSign.map {
            Sign(
                sequence: $0.sequence, occurredAt: $0.occurredAt.iso8601, event: $0.kind.rawValue, what: $0.what,
                phase: $0.phase.rawValue, location: $0.location)
        }
        signs = timeline.signs
        func group(_ group: DamageTimeline.Group?) -> Group? {
            group.map {
                Group(
                    name: $0.name, units: $0.units, fine: $0.units - $0.flagged.count,
                    flagged: $0.flagged.map(\.description),
                    byStatus: Dictionary(uniqueKeysWithValues: $0.byStatus.map { ($0.key.rawValue, $0.value) }))
            }
        }
        lot = group(timeline.lot)
        run = group(timeline.run)
    }

    public var text: String {
        var lines = ["\(unit)  \(status)"]
        if let sign = firstSign {
            let phase: String =
                switch sign.phase {
                case JourneyPhase.factory.rawValue: "at the factory"
                case JourneyPhase.transit.rawValue: "in transit"
                case JourneyPhase.warehouse.rawValue: "in the warehouse"
                default: "after sale"
                }
            lines.append(
                "first sign of damage: \(sign.what), \(phase)" + (sign.location.map { " (\($0))" } ?? "")
                    + ", \(sign.occurredAt), sequence \(sign.sequence)")
            if signs > 1 { lines.append("signs of damage in its history: \(signs)") }
        } else {
            lines.append("no sign of damage in its history")
        }
        for group in [lot, run].compactMap({ $0 }) {
            let others =
                group.units == 0
                ? "no other unit"
                : "\(group.fine) of \(group.units) other unit(s) fine"
                    + (group.flagged.isEmpty ? "" : "; not fine: \(group.flagged.joined(separator: ", "))")
            lines.append("\(group.name): \(others)")
        }
        return lines.joined(separator: "\n")
    }
}
