import Foundation
import UnitraceCore

/// An inspection as JSON, for the CLI's `--json`, the API and the passport.
public struct InspectionJSON: Encodable, Sendable {
    public var procedure: String
    public var result: String
    public var measurements: [MeasuredValue]?
    public var inspector: String?
    public var equipment: String?
    public var defect: String?
    /// The lot inspected as a whole, as SKU/LOT.
    public var lot: String?
    /// In a passport: when, where, which event, and the certificate or report it refers to.
    public var sequence: Int64?
    public var occurredAt: String?
    public var location: String?
    public var documents: [String]?

    public init(_ inspection: Inspection) {
        procedure = inspection.procedure
        result = inspection.result.rawValue
        measurements = inspection.measurements
        inspector = inspection.inspector
        equipment = inspection.equipment
        defect = inspection.defect
        lot = inspection.lot?.description
    }

    public init(_ record: InspectionRecord) {
        self.init(record.inspection)
        sequence = record.sequence
        occurredAt = record.occurredAt.iso8601
        location = record.location
        documents = record.documents.isEmpty ? nil : record.documents.map(\.description)
    }

    /// `EOL-TEST fail: noise=48dB (..45) — bearing noise, by OP-7 on BENCH-2`
    public var text: String {
        var line = "\(procedure) \(result)"
        if let measurements, !measurements.isEmpty {
            line +=
                ": "
                + measurements.map { measurement in
                    let limits =
                        measurement.low == nil && measurement.high == nil
                        ? "" : " (\(measurement.low ?? "")..\(measurement.high ?? ""))"
                    return "\(measurement.name)=\(measurement.value)\(measurement.unit ?? "")\(limits)"
                }.joined(separator: ", ")
        }
        if let defect { line += " — \(defect)" }
        if let inspector { line += ", by \(inspector)" }
        if let equipment { line += " on \(equipment)" }
        if let documents { line += " [\(documents.joined(separator: ", "))]" }
        return line
    }
}

/// What an inspection recorded, for the CLI's `--json` and the API.
public struct InspectionOutcomeJSON: Encodable, Sendable {
    public var event: String
    public var sequence: Int64
    public var units: [String]
    public var inspection: InspectionJSON
    /// The units the failure quarantined, in the same transaction; absent when none.
    public var quarantined: [String]?
    public var duplicates: [ProblemJSON]
    public var recalled: [String: [String]]?
    public var hash: String

    public init(_ outcome: InspectionOutcome) {
        event = EventKind.inspect.rawValue
        sequence = outcome.receipt.firstSequence
        units = outcome.units.map(\.description)
        inspection = InspectionJSON(outcome.inspection)
        quarantined = outcome.quarantined.isEmpty ? nil : outcome.quarantined.map(\.description)
        duplicates = outcome.duplicates.map(ProblemJSON.init)
        recalled =
            outcome.recalled.isEmpty
            ? nil : Dictionary(uniqueKeysWithValues: outcome.recalled.map { ($0.key.description, $0.value) })
        hash = outcome.receipt.lastHash
    }

    /// Lines for people: what was inspected, the result, and what the failure held back.
    public var summary: String {
        let what = inspection.lot.map { "lot \($0)" } ?? "\(units.count) unit(s)"
        var lines = ["inspected \(what) (sequence \(sequence)): \(inspection.text)"]
        if let quarantined {
            lines.append("quarantined \(quarantined.count): \(quarantined.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
