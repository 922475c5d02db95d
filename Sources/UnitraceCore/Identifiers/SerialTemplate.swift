import Foundation

/// A pattern for serials a business generates itself: literal text plus placeholders.
///
/// - `{seq:N}`: the product's next sequence number, zero-padded to N digits (exactly once);
/// - `{yy}` / `{yyyy}`: the year the unit is received.
///
/// `M-{yy}-{seq:6}` gives `M-26-000001`, `M-26-000002`, …
public struct SerialTemplate: Hashable, Sendable {
    public let pattern: String
    enum Piece: Hashable, Sendable {
        case literal(String)
        case sequence(width: Int)
        case year2
        case year4
    }
    let pieces: [Piece]

    public static let `default` = try! SerialTemplate("{seq:6}")

    public init(_ pattern: String) throws(InputError) {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(pattern)
        var sequenceCount = 0
        while let first = rest.first {
            if first == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw InputError(code: .invalidField, message: "serial template '\(pattern)' has '{' without '}'")
                }
                let name = rest[rest.index(after: rest.startIndex)..<close]
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                switch name {
                case "yy": pieces.append(.year2)
                case "yyyy": pieces.append(.year4)
                default:
                    guard name.hasPrefix("seq:"), let width = Int(name.dropFirst(4)), (1...18).contains(width) else {
                        throw InputError(
                            code: .invalidField,
                            message:
                                "serial template '\(pattern)': unknown placeholder {\(name)}; use {seq:N}, {yy} or {yyyy}"
                        )
                    }
                    pieces.append(.sequence(width: width))
                    sequenceCount += 1
                }
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append(first)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        guard sequenceCount == 1 else {
            throw InputError(
                code: .invalidField, message: "serial template '\(pattern)' must contain {seq:N} exactly once")
        }
        self.pattern = pattern
        self.pieces = pieces
    }

    /// The serial for sequence number `sequence`, received in `year`.
    /// - Throws: ``InputError`` when the number no longer fits the template's width.
    public func serial(sequence: Int64, year: Int) throws(InputError) -> String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .year2: result += String(format: "%02d", year % 100)
            case .year4: result += String(format: "%04d", year)
            case .sequence(let width):
                let digits = String(sequence)
                guard digits.count <= width else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "serial template '\(pattern)' has run out of numbers: \(sequence) needs more than \(width) digits"
                    )
                }
                result += String(repeating: "0", count: width - digits.count) + digits
            }
        }
        return result
    }
}

extension SerialTemplate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(pattern)
    }
}

extension SerialTemplate: CustomStringConvertible {
    public var description: String { pattern }
}
