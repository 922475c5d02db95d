import Foundation

/// A pattern for serials a business generates itself: literal text plus placeholders (names are not case
/// sensitive).
///
/// | placeholder | becomes |
/// |---|---|
/// | `{SEQ:N}` | the product's next sequence number, zero-padded to N digits |
/// | `{YY}`, `{YYYY}`, `{MM}` | the year or month of receipt |
/// | `{RAND:N}` | N random characters from `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`, so serials cannot be guessed |
/// | `{CHECK:GS1}`, `{CHECK:LUHN}`, `{CHECK:MOD37-36}` | a check character over what precedes it |
/// | `{NAME:N}` (any other name) | a field of exactly N letters or digits: the product attribute `name`, or a value given at receipt |
///
/// `{YY}{CAT:2}{SEQ:6}` gives `2607000001`, `2607000002`, … for category 07 in 2026. A template holds
/// `{SEQ:N}` or `{RAND:N}` (or both), so every serial it makes is new.
public struct SerialTemplate: Hashable, Sendable {
    public enum CheckAlgorithm: String, Hashable, Sendable {
        case gs1
        case luhn
        case mod37_36 = "mod37-36"
    }

    enum Piece: Hashable, Sendable {
        case literal(String)
        case sequence(width: Int)
        case year2
        case year4
        case month
        case random(width: Int)
        case check(CheckAlgorithm)
        case field(name: String, width: Int)
    }

    public let pattern: String
    let pieces: [Piece]

    /// Six-digit sequence numbers, used by products without a template of their own.
    public static let `default` = try! SerialTemplate("{SEQ:6}")

    static let randomAlphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    public init(_ pattern: String) throws(InputError) {
        func fail(_ why: String) -> InputError {
            InputError(code: .invalidField, message: "serial template '\(pattern)': \(why)")
        }
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(pattern)
        while let first = rest.first {
            guard first == "{" else {
                guard first != "}" else { throw fail("'}' without '{'") }
                literal.append(first)
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "}") else { throw fail("'{' without '}'") }
            let body = rest[rest.index(after: rest.startIndex)..<close]
            if !literal.isEmpty {
                pieces.append(.literal(literal))
                literal = ""
            }
            let parts = body.split(separator: ":", maxSplits: 1).map { String($0) }
            let name = parts.first?.uppercased() ?? ""
            let argument = parts.count == 2 ? parts[1] : nil
            func width(_ range: ClosedRange<Int>) throws(InputError) -> Int {
                guard let argument, let value = Int(argument), range.contains(value) else {
                    throw fail(
                        "{\(body)} needs a width from \(range.lowerBound) to \(range.upperBound), e.g. {\(name):\(range.lowerBound)}"
                    )
                }
                return value
            }
            switch (name, argument) {
            case ("SEQ", _): pieces.append(.sequence(width: try width(1...18)))
            case ("RAND", _): pieces.append(.random(width: try width(1...32)))
            case ("YY", nil): pieces.append(.year2)
            case ("YYYY", nil): pieces.append(.year4)
            case ("MM", nil): pieces.append(.month)
            case ("CHECK", let algorithm?):
                guard let value = CheckAlgorithm(rawValue: algorithm.lowercased()) else {
                    throw fail("unknown check character {\(body)}; use {CHECK:GS1}, {CHECK:LUHN} or {CHECK:MOD37-36}")
                }
                pieces.append(.check(value))
            case (_, .some):
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw fail("{\(body)} is not a placeholder")
                }
                pieces.append(.field(name: name, width: try width(1...20)))
            default:
                throw fail(
                    "unknown placeholder {\(body)}; use {SEQ:N}, {RAND:N}, {YY}, {YYYY}, {MM}, {CHECK:…} or {NAME:N}")
            }
            rest = rest[rest.index(after: close)...]
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        let sequences = pieces.filter { if case .sequence = $0 { true } else { false } }.count
        let randoms = pieces.filter { if case .random = $0 { true } else { false } }.count
        guard sequences <= 1, sequences + randoms >= 1 else {
            throw fail("must contain {SEQ:N} at most once, and {SEQ:N} or {RAND:N}")
        }
        if case .check = pieces.first { throw fail("a check character needs something before it") }
        self.pattern = pattern
        self.pieces = pieces
    }

    /// Whether serials from this template use the sequence counter.
    public var usesSequence: Bool { pieces.contains { if case .sequence = $0 { true } else { false } } }

    /// Whether serials from this template hold a random block.
    public var usesRandom: Bool { pieces.contains { if case .random = $0 { true } else { false } } }

    /// The field names the template needs values for (`CAT`, `SITE`, …).
    public var fieldNames: [String] {
        pieces.compactMap { if case .field(let name, _) = $0 { name } else { nil } }
    }

    /// The serial for sequence number `sequence`, received in `year`/`month`.
    /// - Parameters:
    ///   - fields: values for `{NAME:N}` placeholders, keyed by upper-case name.
    ///   - random: the source of `{RAND:N}` characters.
    /// - Throws: ``InputError`` when the number no longer fits, or a field is missing or the wrong width.
    public func serial(
        sequence: Int64, year: Int, month: Int = 1, fields: [String: String] = [:],
        random: () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) throws(InputError) -> String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .year2: result += String(format: "%02d", year % 100)
            case .year4: result += String(format: "%04d", year)
            case .month: result += String(format: "%02d", month)
            case .sequence(let width):
                let digits = String(sequence)
                guard digits.count <= width, sequence >= 0 else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "serial template '\(pattern)' has run out of numbers: \(sequence) needs more than \(width) digits"
                    )
                }
                result += String(repeating: "0", count: width - digits.count) + digits
            case .random(let width):
                for _ in 0..<width {
                    result.append(Self.randomAlphabet[Int(random() % UInt64(Self.randomAlphabet.count))])
                }
            case .check(let algorithm):
                result.append(try Self.checkCharacter(algorithm, over: result, pattern: pattern))
            case .field(let name, let width):
                guard let value = fields[name] else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "serial template '\(pattern)' needs a value for {\(name):\(width)}: give --field \(name)=… or a product attribute \(name.lowercased())"
                    )
                }
                guard value.count == width, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                    throw InputError(
                        code: .invalidField, message: "field \(name) must be \(width) letters or digits, got '\(value)'"
                    )
                }
                result += value
            }
        }
        return result
    }

    /// Checks a serial typed by hand against the template: length, digits, dates and check character.
    /// - Throws: ``InputError`` saying where the serial departs from the template.
    public func validate(_ serial: String) throws(InputError) {
        let characters = Array(serial)
        var index = 0
        func fail(_ why: String) -> InputError {
            InputError(code: .invalidField, message: "serial \(serial) does not follow template '\(pattern)': \(why)")
        }
        func take(_ count: Int, _ what: String) throws(InputError) -> String {
            guard index + count <= characters.count else { throw fail("it is too short for \(what)") }
            defer { index += count }
            return String(characters[index..<index + count])
        }
        for piece in pieces {
            switch piece {
            case .literal(let text):
                guard try take(text.count, "'\(text)'") == text else {
                    throw fail("'\(text)' expected at position \(index - text.count + 1)")
                }
            case .sequence(let width):
                let part = try take(width, "its sequence number")
                guard part.allSatisfy(\.isASCIIDigit) else {
                    throw fail("'\(part)' is not a \(width)-digit sequence number")
                }
            case .year2, .year4:
                let count = piece == .year2 ? 2 : 4
                let part = try take(count, "the year")
                guard part.allSatisfy(\.isASCIIDigit) else { throw fail("'\(part)' is not a year") }
            case .month:
                let part = try take(2, "the month")
                guard let value = Int(part), (1...12).contains(value) else { throw fail("'\(part)' is not a month") }
            case .random(let width):
                let part = try take(width, "its random block")
                guard part.allSatisfy({ Self.randomAlphabet.contains($0) }) else {
                    throw fail("'\(part)' is not a random block")
                }
            case .field(let name, let width):
                let part = try take(width, name)
                guard part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                    throw fail("'\(part)' is not a \(name)")
                }
            case .check(let algorithm):
                let given = try take(1, "its check character")
                let expected = try Self.checkCharacter(
                    algorithm, over: String(characters[0..<index - 1]), pattern: pattern)
                guard given == String(expected) else { throw fail("check character is \(given), expected \(expected)") }
            }
        }
        guard index == characters.count else { throw fail("it has \(characters.count - index) character(s) too many") }
    }

    /// The check character of `text` (non-digits are skipped by GS1 and Luhn).
    static func checkCharacter(_ algorithm: CheckAlgorithm, over text: String, pattern: String) throws(InputError)
        -> Character
    {
        switch algorithm {
        case .gs1, .luhn:
            let digits = text.compactMap(\.wholeNumberValue).filter { (0...9).contains($0) }
            guard !digits.isEmpty else {
                throw InputError(
                    code: .invalidField,
                    message: "serial template '\(pattern)': a \(algorithm.rawValue) check digit needs digits before it")
            }
            let value = algorithm == .gs1 ? GS1.checkDigit(of: digits) : IMEI.luhn(digits)
            return Character(String(value))
        case .mod37_36:
            let value = iso7064(text.uppercased().compactMap { alphanumericValue($0) }, modulus: 36)
            return alphanumericCharacter(value)
        }
    }

    /// ISO/IEC 7064 hybrid system MOD (M+1),M: the check value that completes `values`.
    static func iso7064(_ values: [Int], modulus m: Int) -> Int {
        var p = m
        for value in values {
            var s = (p + value) % m
            if s == 0 { s = m }
            p = (s * 2) % (m + 1)
        }
        return (m + 1 - p) % m
    }

    static func alphanumericValue(_ character: Character) -> Int? {
        if let digit = character.wholeNumberValue, (0...9).contains(digit), character.isASCII { return digit }
        guard let ascii = character.asciiValue, (65...90).contains(ascii) else { return nil }
        return Int(ascii) - 55
    }

    static func alphanumericCharacter(_ value: Int) -> Character {
        value < 10 ? Character(String(value)) : Character(Unicode.Scalar(UInt8(value + 55)))
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
