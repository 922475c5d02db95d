/// An exact amount of a lot-tracked or bulk product, to the thousandth (a gram of a kilogram, a millilitre
/// of a litre): stock is added and taken away without the drift of binary fractions.
public struct Quantity: Hashable, Sendable, Comparable, Codable {
    /// The amount in thousandths.
    public var thousandths: Int64

    public static let zero = Quantity(thousandths: 0)
    /// How many decimal places a quantity may have.
    public static let decimals = 3

    public init(thousandths: Int64) {
        self.thousandths = thousandths
    }

    public init(whole: Int64) {
        thousandths = whole * 1000
    }

    /// Parses a plain decimal (`12`, `2.5`, `0.125`), with an optional leading minus; at most three decimals.
    /// - Throws: ``InputError`` naming the text.
    public init(parsing text: String, name: String = "quantity") throws(InputError) {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        func refuse(_ why: String) -> InputError {
            InputError(code: .invalidField, message: "\(name) '\(Limits.quote(text))' \(why)")
        }
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
            parts.allSatisfy({ part in
                !part.isEmpty && part.allSatisfy { (48...57).contains($0) }
            })
        else { throw refuse("must be a decimal number like 12 or 2.5") }
        guard parts[0].count <= 12 else { throw refuse("is too large (at most 12 digits before the point)") }
        let fraction = parts.count == 2 ? Array(parts[1]) : []
        guard fraction.count <= Self.decimals else {
            throw refuse("has more than \(Self.decimals) decimals")
        }
        var value: Int64 = 0
        for digit in parts[0] { value = value * 10 + Int64(digit - 48) }
        var scaled: Int64 = 0
        for place in 0..<Self.decimals {
            scaled = scaled * 10 + (place < fraction.count ? Int64(fraction[place] - 48) : 0)
        }
        thousandths = (value * 1000 + scaled) * (negative ? -1 : 1)
    }

    public var isWhole: Bool { thousandths % 1000 == 0 }
    public var isPositive: Bool { thousandths > 0 }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.thousandths < rhs.thousandths }
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        Quantity(thousandths: lhs.thousandths + rhs.thousandths)
    }
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity {
        Quantity(thousandths: lhs.thousandths - rhs.thousandths)
    }
    public static prefix func - (value: Quantity) -> Quantity { Quantity(thousandths: -value.thousandths) }
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs = lhs + rhs }
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs = lhs - rhs }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try Quantity(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Quantity: CustomStringConvertible {
    /// The shortest spelling: `12`, `2.5`, `-0.125`.
    public var description: String {
        let magnitude = thousandths.magnitude
        var text = String(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let written = String(fraction)
            text += "." + String(repeating: "0", count: digits - written.count) + written
        }
        return thousandths < 0 ? "-" + text : text
    }
}

/// A unit of measure for stock: UN/ECE Recommendation 20 codes. Products counted in pieces have none.
public enum MeasureUnit {
    /// Codes that count pieces, so whole numbers only.
    public static let pieces: Set<String> = ["H87", "EA", "C62", "PCE", "XPK", "XBX", "XCT"]

    /// Whether a quantity in `uom` may have decimals.
    public static func allowsDecimals(_ uom: String?) -> Bool {
        guard let uom else { return false }
        return !pieces.contains(uom)
    }

    /// Checks a unit of measure code. - Throws: ``InputError``.
    public static func validate(_ uom: String) throws(InputError) {
        guard (2...3).contains(uom.count), uom.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            throw InputError(
                code: .invalidField,
                message: "unit of measure '\(Limits.quote(uom))' must be a UN/ECE code like KGM or LTR")
        }
    }
}
