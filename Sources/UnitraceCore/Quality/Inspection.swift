import Foundation

/// One value an inspection or test measured: what, how much, in which unit, and the limits it was held to.
public struct MeasuredValue: Hashable, Sendable, Codable {
    public var name: String
    /// A decimal number as written (`12.40`), so that the ledger keeps what the instrument said.
    public var value: String
    /// The unit of measure (`Ohm`, `mm`, `dB`), as the procedure names it.
    public var unit: String?
    public var low: String?
    public var high: String?

    public init(name: String, value: String, unit: String? = nil, low: String? = nil, high: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.low = low
        self.high = high
    }

    /// Parses `NAME=VALUE[UNIT][@LOW..HIGH]`, e.g. `resistance=12.4Ohm@12..13` or `noise=41dB@..45`.
    /// - Throws: ``InputError`` naming the text.
    public init(parsing text: String) throws(InputError) {
        let bad = InputError(
            code: .invalidField,
            message:
                "measurement '\(Limits.quote(text))' must be NAME=VALUE[UNIT][@LOW..HIGH], e.g. resistance=12.4Ohm@12..13"
        )
        guard let equals = text.firstIndex(of: "=") else { throw bad }
        let name = String(text[..<equals])
        var rest = Substring(text[text.index(after: equals)...])
        var low: String?
        var high: String?
        if let at = rest.firstIndex(of: "@") {
            let limits = rest[rest.index(after: at)...]
            rest = rest[..<at]
            guard let dots = limits.range(of: "..") else { throw bad }
            low = limits[..<dots.lowerBound].isEmpty ? nil : String(limits[..<dots.lowerBound])
            high = limits[dots.upperBound...].isEmpty ? nil : String(limits[dots.upperBound...])
            guard low != nil || high != nil else { throw bad }
        }
        let number = rest.prefix { $0.isASCIIDigit || $0 == "." || $0 == "-" || $0 == "+" }
        let unit = rest.dropFirst(number.count)
        self.init(name: name, value: String(number), unit: unit.isEmpty ? nil : String(unit), low: low, high: high)
        try validate()
    }

    /// Whether the value lies within its limits (`nil` when it has none).
    public var withinLimits: Bool? {
        guard low != nil || high != nil, let number = Double(value) else { return nil }
        if let low, let bound = Double(low), number < bound { return false }
        if let high, let bound = Double(high), number > bound { return false }
        return true
    }

    public func validate() throws(InputError) {
        _ = try Field.line(name, name: "measurement name", limit: 100)
        for (label, number) in [("value", value), ("low limit", low), ("high limit", high)] {
            guard let number else { continue }
            guard Self.isDecimal(number) else {
                throw InputError(
                    code: .invalidField,
                    message:
                        "the \(label) of measurement '\(Limits.quote(name))' must be a decimal number, not '\(Limits.quote(number))'"
                )
            }
        }
        if let unit { _ = try Field.line(unit, name: "unit of measure", limit: 20) }
    }

    static func isDecimal(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 18 && $0.allSatisfy(\.isASCIIDigit) }
    }
}

/// An inspection or test of a unit, or of a lot as a whole: the procedure followed, its result, what was
/// measured, who did it with which equipment, and what it found wrong. The certificate or report it refers
/// to is one of the event's documents.
public struct Inspection: Hashable, Sendable, Codable {
    public enum Result: String, Hashable, Sendable, Codable, CaseIterable {
        case pass
        case fail
    }

    public var procedure: String
    public var result: Result
    public var measurements: [MeasuredValue]?
    public var inspector: String?
    public var equipment: String?
    /// What was found wrong (a defect code or a short description), for a failed inspection.
    public var defect: String?
    /// The lot inspected as a whole, when the inspection is of a lot rather than of units.
    public var lot: LotRef?

    public init(
        procedure: String, result: Result, measurements: [MeasuredValue]? = nil, inspector: String? = nil,
        equipment: String? = nil, defect: String? = nil, lot: LotRef? = nil
    ) {
        self.procedure = procedure
        self.result = result
        self.measurements = measurements
        self.inspector = inspector
        self.equipment = equipment
        self.defect = defect
        self.lot = lot
    }

    /// Checks every field, and that a measurement outside its limits is not recorded as a pass.
    /// - Throws: ``InputError`` naming the field.
    public func validated() throws(InputError) -> Inspection {
        var copy = self
        copy.procedure = try Field.line(procedure, name: "procedure", limit: 200)
        if let inspector { copy.inspector = try Field.line(inspector, name: "inspector", limit: 100) }
        if let equipment { try Field.code(equipment, name: "equipment") }
        if let defect { copy.defect = try Field.line(defect, name: "defect", limit: 200) }
        for measurement in measurements ?? [] { try measurement.validate() }
        if copy.measurements?.isEmpty == true { copy.measurements = nil }
        if result == .pass, let outside = measurements?.first(where: { $0.withinLimits == false }) {
            throw InputError(
                code: .invalidField,
                message:
                    "measurement \(outside.name)=\(outside.value) is outside its limits: the inspection cannot pass")
        }
        if result == .pass, defect != nil {
            throw InputError(code: .invalidField, message: "a passed inspection names no defect")
        }
        return copy
    }
}
