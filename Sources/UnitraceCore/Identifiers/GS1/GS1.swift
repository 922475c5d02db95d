import Foundation

/// One Application Identifier and its value, as scanned.
public struct GS1Element: Hashable, Sendable, Codable {
    public var ai: String
    public var value: String

    public init(ai: String, value: String) {
        self.ai = ai
        self.value = value
    }
}

/// GS1 data read from a barcode, a bracketed string or a Digital Link URI: AIs in input order.
public struct GS1Data: Hashable, Sendable {
    public var elements: [GS1Element]

    public init(elements: [GS1Element]) {
        self.elements = elements
    }

    /// The value of the first occurrence of `ai`.
    public func value(_ ai: String) -> String? { elements.first { $0.ai == ai }?.value }

    public var gtin: String? { value("01") }
    public var serial: String? { value("21") }
    public var lot: String? { value("10") }
    public var sscc: String? { value("00") }
    public var gln: String? { value("414") }

    /// The expiry date (AI 17) as `YYYY-MM-DD`; day 00 is the last day of the month.
    public var expiry: String? { value("17").flatMap(GS1.calendarDate) }

    /// `(01)09506000134352(21)ABC`: each value's parentheses escaped with a backslash.
    public var bracketed: String {
        elements.map { element in
            "(\(element.ai))" + element.value.replacingOccurrences(of: "(", with: "\\(")
        }.joined()
    }

    /// The element string a barcode carries: AIs and values, a group separator (ASCII 29) after every
    /// value that does not have a predefined length, except the last. No symbology identifier.
    public var elementString: String {
        var text = ""
        for (index, element) in elements.enumerated() {
            text += element.ai + element.value
            let predefined = AIDefinition.named(element.ai)?.predefinedLength ?? false
            if !predefined, index < elements.count - 1 { text += "\u{1D}" }
        }
        return text
    }
}

/// GS1 keys, element strings and their rules.
public enum GS1 {
    /// The group separator that ends a variable-length value in a barcode (FNC1 as transmitted).
    public static let groupSeparator: UInt8 = 29

    /// The GS1 mod-10 check digit of `body`: weights 3 and 1 alternating from the right.
    public static func checkDigit(of body: some BidirectionalCollection<Int>) -> Int {
        var sum = 0
        for (offset, digit) in body.reversed().enumerated() {
            sum += digit * (offset.isMultiple(of: 2) ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    /// `digits` followed by its check digit.
    /// - Throws: ``InputError`` when `digits` is empty, too long, or holds anything but digits.
    public static func appendingCheckDigit(_ digits: String) throws(InputError) -> String {
        let bytes = Array(digits.utf8)
        guard !bytes.isEmpty, bytes.count <= 99 else {
            throw InputError(code: .invalidIdentifier, message: "give 1 to 99 digits, got \(bytes.count)")
        }
        if let bad = bytes.firstIndex(where: { !AIChecks.isDigit($0) }) {
            throw InputError(
                code: .invalidIdentifier,
                message: "character \(AIChecks.describe(bytes[bad])) at position \(bad + 1): only digits are allowed")
        }
        return digits + String(checkDigit(of: bytes.map { Int($0) - 48 }))
    }

    /// The century of a two-digit year: the GS1 sliding window around `reference` (49 years back, 50 ahead).
    public static func fullYear(_ yy: Int, reference: Int = currentYear()) -> Int {
        let century = reference / 100 * 100
        let difference = yy - reference % 100
        if difference >= 51 { return century - 100 + yy }
        if difference <= -50 { return century + 100 + yy }
        return century + yy
    }

    /// This year (UTC), cheaply: read on every date an AI carries.
    public static func currentYear() -> Int {
        let days = Int64(Date().timeIntervalSince1970) / 86_400
        return Int(Timestamp.civil(fromDays: days).0)
    }

    /// `YYMMDD` (day `00` meaning the month's last day) as `YYYY-MM-DD`.
    public static func calendarDate(_ yymmdd: String) -> String? {
        let bytes = Array(yymmdd.utf8)
        guard bytes.count == 6, bytes.allSatisfy(AIChecks.isDigit) else { return nil }
        let year = fullYear(AIChecks.number(bytes[0..<2]))
        let month = AIChecks.number(bytes[2..<4])
        guard (1...12).contains(month) else { return nil }
        var day = AIChecks.number(bytes[4..<6])
        if day == 0 { day = Int(Timestamp.daysIn(month: Int64(month), year: Int64(year))) }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// The two check characters of an alphanumeric GS1 key (GMN), or `nil` if `body` has a character outside
    /// character set 82.
    static func checkCharacterPair(_ body: ArraySlice<UInt8>) -> [UInt8]? {
        let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83]
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
        var sum = 0
        for (offset, byte) in body.reversed().enumerated() {
            guard let position = cset82Index(byte), offset < primes.count else { return nil }
            sum += position * primes[offset]
        }
        sum %= 1021
        return [alphabet[sum >> 5], alphabet[sum & 31]]
    }

    /// A character's position in GS1 character set 82, in code order.
    static func cset82Index(_ byte: UInt8) -> Int? {
        var index = 0
        for candidate in UInt8(0x21)...UInt8(0x7A) where AIChecks.isCSET82(candidate) {
            if candidate == byte { return index }
            index += 1
        }
        return nil
    }

    // MARK: Parsing

    /// Parses GS1 data as a scanner delivers it (an optional symbology identifier, then AIs with group
    /// separators; a scanner set to send no identifier sends the AIs alone) or in the bracketed form
    /// `(01)…(21)…`.
    /// - Parameter syntaxOnly: check each AI's own syntax and content, not the rules between AIs.
    /// - Throws: ``InputError`` saying what is wrong and where.
    public static func parse(_ text: String, syntaxOnly: Bool = false) throws(InputError) -> GS1Data {
        let bytes = Array(text.utf8)
        let elements = bytes.first == UInt8(ascii: "(") ? try parseBracketed(bytes) : try parseScanned(bytes)
        return try checkRelations(elements, syntaxOnly: syntaxOnly)
    }

    static func fail(_ message: String) -> InputError {
        InputError(code: .invalidIdentifier, message: message)
    }

    /// The AI at the start of `bytes[start...]`: AIs are prefix-free, so the first 2, 3 or 4 digits that name
    /// one are it.
    static func aiAt(_ bytes: [UInt8], _ start: Int) throws(InputError) -> AIDefinition {
        if let definition = AIDefinition.lookup(bytes, at: start) { return definition }
        let shown = String(decoding: bytes[start..<min(bytes.count, start + 4)], as: UTF8.self)
        throw fail("no GS1 Application Identifier starts at position \(start + 1) ('\(shown)…')")
    }

    static func parseScanned(_ input: [UInt8]) throws(InputError) -> [GS1Element] {
        var bytes = input
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        var index = 0
        if bytes.first == UInt8(ascii: "]") {
            guard bytes.count >= 3 else { throw fail("symbology identifier is cut short") }
            let identifier = String(decoding: bytes[0..<3], as: UTF8.self)
            switch identifier {
            case "]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1":
                index = 3
            case "]E0", "]E4":
                // EAN-13 (and UPC-A, sent as 13 digits) under ]E0, EAN-8 under ]E4: the digits are the GTIN
                // itself, without an AI, and their count is fixed by the symbology.
                let gtin = Array(bytes[3...])
                let length = identifier == "]E0" ? 13 : 8
                guard gtin.count == length, gtin.allSatisfy(AIChecks.isDigit) else {
                    throw fail(
                        "\(identifier) (\(identifier == "]E0" ? "EAN-13 or UPC-A" : "EAN-8")) carries exactly \(length) digits, got \(gtin.count) characters"
                    )
                }
                let padded = String(repeating: "0", count: 14 - gtin.count) + String(decoding: gtin, as: UTF8.self)
                try AIChecks.validate(Array(padded.utf8)[...], for: AIDefinition.all["01"]!)
                return [GS1Element(ai: "01", value: padded)]
            default:
                throw fail("symbology identifier \(identifier) does not carry GS1 data")
            }
        }
        while index < bytes.count, bytes[index] == groupSeparator { index += 1 }
        guard index < bytes.count else { throw fail("no GS1 data after the symbology identifier") }
        var elements: [GS1Element] = []
        while index < bytes.count {
            let definition = try aiAt(bytes, index)
            index += definition.ai.utf8.count
            let start = index
            if definition.isFixedLength {
                let end = min(bytes.count, index + definition.maxLength)
                if let separator = bytes[index..<end].firstIndex(of: groupSeparator) {
                    throw fail(
                        "AI (\(definition.ai)): the value is \(separator - index) characters long, \(definition.maxLength) are needed"
                    )
                }
                guard index + definition.maxLength <= bytes.count else {
                    throw fail(
                        "AI (\(definition.ai)): the value is \(bytes.count - index) characters long, \(definition.maxLength) are needed (truncated read?)"
                    )
                }
                index += definition.maxLength
            } else {
                while index < bytes.count, bytes[index] != groupSeparator { index += 1 }
            }
            let value = bytes[start..<index]
            try AIChecks.validate(value, for: definition)
            elements.append(GS1Element(ai: definition.ai, value: String(decoding: value, as: UTF8.self)))
            if index < bytes.count {
                if bytes[index] == groupSeparator {
                    // A separator that is not needed (after a predefined-length AI, or doubled) is read as
                    // nothing, as decoders do; one inside a fixed-length value is an error (above).
                    while index < bytes.count, bytes[index] == groupSeparator { index += 1 }
                    guard index < bytes.count else { break }
                } else if !definition.predefinedLength {
                    throw fail("AI (\(definition.ai)): a group separator must follow its \(value.count) characters")
                }
            }
        }
        return elements
    }

    static func parseBracketed(_ bytes: [UInt8]) throws(InputError) -> [GS1Element] {
        var elements: [GS1Element] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "(") else {
                throw fail("expected '(' at position \(index + 1)")
            }
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ")")) else {
                throw fail("'(' at position \(index + 1) is never closed")
            }
            let aiText = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
            guard let definition = AIDefinition.all[aiText] else {
                throw fail("(\(aiText)) is not a GS1 Application Identifier")
            }
            index = close + 1
            var value: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "(") {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "(") {
                    index += 1
                }
                value.append(bytes[index])
                index += 1
            }
            try AIChecks.validate(value, for: definition)
            elements.append(GS1Element(ai: aiText, value: String(decoding: value, as: UTF8.self)))
        }
        guard !elements.isEmpty else { throw fail("no GS1 data") }
        return elements
    }

    /// Checks each AI's content and, unless `syntaxOnly`, the rules between AIs: repeated AIs must carry
    /// the same value (they are then kept once), required companions must be present, exclusive AIs absent.
    public static func validate(_ elements: [GS1Element], syntaxOnly: Bool = false) throws(InputError) -> GS1Data {
        for element in elements {
            guard let definition = AIDefinition.all[element.ai] else {
                throw fail("(\(element.ai)) is not a GS1 Application Identifier")
            }
            try AIChecks.validate(Array(element.value.utf8), for: definition)
        }
        return try checkRelations(elements, syntaxOnly: syntaxOnly)
    }

    /// The rules between AIs, for elements whose own content is already checked.
    static func checkRelations(_ elements: [GS1Element], syntaxOnly: Bool) throws(InputError) -> GS1Data {
        var kept: [GS1Element] = []
        kept.reserveCapacity(elements.count)
        var definitions: [AIDefinition] = []
        definitions.reserveCapacity(elements.count)
        for element in elements {
            guard let definition = AIDefinition.named(element.ai) else {
                throw fail("(\(element.ai)) is not a GS1 Application Identifier")
            }
            if let earlier = kept.first(where: { $0.ai == element.ai })?.value {
                if earlier != element.value, !syntaxOnly {
                    throw fail("AI (\(element.ai)) appears twice with different values")
                }
                if earlier == element.value { continue }
            }
            kept.append(element)
            definitions.append(definition)
        }
        guard !syntaxOnly else { return GS1Data(elements: kept) }
        let present = definitions.map(\.code)
        for definition in definitions {
            for (index, group) in definition.requirePatterns.enumerated()
            where !group.contains(where: { alternative in
                alternative.allSatisfy { pattern in present.contains(where: pattern.matches) }
            }) {
                let names = definition.requires[index].map {
                    $0.split(separator: "+").map { "(\($0))" }.joined(separator: "+")
                }.joined(separator: ", ")
                throw fail("AI (\(definition.ai)) needs \(group.count == 1 ? "" : "one of ")\(names) with it")
            }
            for pattern in definition.excludePatterns {
                if let other = definitions.first(where: { $0.ai != definition.ai && pattern.matches($0.code) }) {
                    throw fail("AI (\(definition.ai)) and AI (\(other.ai)) cannot be used together")
                }
            }
        }
        return GS1Data(elements: kept)
    }

}
