import Foundation

/// The input policy: what every field a person or a system types may hold, decided once. The use cases
/// apply it to every request before anything is recorded, whichever door the request came through (CLI,
/// HTTP, batch capture, import), so the interfaces never decide it. The limits are documented in
/// `docs/api.md`; a new field takes its rule from here.
///
/// - **Codes** (SKUs, location codes, document types, attribute names): 1 to 64 of `A–Z a–z 0–9 - _ . :`.
/// - **Identifiers** (serials, aliases, lots, document ids, customer references, actors): 1 to 100
///   characters; no white space, no control character, no bidirectional override or isolate (U+202A–202E,
///   U+2066–2069), no U+FFFD (the mark of text that was not valid UTF-8), no `/` (it separates SKU from
///   serial).
/// - **Free text** (names, reasons, attribute values): up to its limit; no control character but tab and
///   line feed, no bidirectional override, no U+FFFD.
/// - All text is normalised to Unicode NFC before it is compared or stored, so the same serial typed on two
///   keyboards is one serial.
/// - An error quotes at most ``Limits/quoted`` characters of the value it refuses.
public enum Field {
    /// SKUs and location codes: 1 to 64 characters, letters, digits and `-_.:`; no `/` (it separates SKU from serial).
    public static func code(_ value: String, name: String) throws(InputError) {
        guard !value.isEmpty, value.count <= Limits.code else {
            throw InputError(
                code: .invalidField, message: "\(name) must be 1 to \(Limits.code) characters, got \(value.count)")
        }
        for character in value.unicodeScalars where !isCodeCharacter(character) {
            throw InputError(
                code: .invalidField,
                message:
                    "\(name) '\(Limits.quote(value))' contains '\(Limits.show(character))'; use letters, digits and - _ . :"
            )
        }
    }

    /// Serials, aliases, lots, document ids, customer references: 1 to 100 characters, none of them white
    /// space, a control, a bidirectional control, U+FFFD or `/`.
    /// - Returns: the value in NFC.
    @discardableResult
    public static func serial(_ value: String, name: String = "serial") throws(InputError) -> String {
        let normalized = nfc(value)
        let count = length(normalized, limit: Limits.identifier)
        guard !normalized.isEmpty, count <= Limits.identifier else {
            throw InputError(
                code: .invalidField, message: "\(name) must be 1 to \(Limits.identifier) characters, got \(count)")
        }
        try refuse(normalized, name: name) { scalar in
            if scalar.properties.isWhitespace || scalar.value <= 0x20 { return "a space" }
            if isControl(scalar) { return "a control character" }
            if scalar == "/" { return "'/', which separates a SKU from a serial" }
            return nil
        }
        return normalized
    }

    /// Free text (names, reasons, attribute values) of at most `limit` characters.
    /// - Returns: the value in NFC.
    @discardableResult
    public static func text(_ value: String, name: String, limit: Int, allowEmpty: Bool = false) throws(InputError)
        -> String
    {
        let normalized = nfc(value)
        if !allowEmpty, normalized.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            throw InputError(code: .invalidField, message: "\(name) must not be empty")
        }
        let count = length(normalized, limit: limit)
        guard count <= limit else {
            throw InputError(
                code: .invalidField,
                message:
                    "\(name) is \(count) characters long; at most \(limit) are kept ('\(Limits.quote(normalized))')")
        }
        try refuse(normalized, name: name) { scalar in
            scalar != "\t" && scalar != "\n" && isControl(scalar)
                ? "a control character (\(Limits.show(scalar)))" : nil
        }
        return normalized
    }

    /// `value` in NFC. ASCII text is its own NFC and skips the work (it is nearly every scan).
    public static func nfc(_ value: String) -> String {
        value.utf8.allSatisfy { $0 < 0x80 } ? value : value.precomposedStringWithCanonicalMapping
    }

    /// A length of `value` that is within `limit` exactly when its character count is: its byte count when
    /// that is within the limit (a character is at least one byte), else its character count, counted only
    /// then.
    static func length(_ value: String, limit: Int) -> Int {
        let bytes = value.utf8.count
        return bytes <= limit ? bytes : value.count
    }

    /// Refuses the first scalar `rule` names, and, for every kind of text, bidirectional controls and U+FFFD.
    private static func refuse(_ value: String, name: String, rule: (Unicode.Scalar) -> String?) throws(InputError) {
        for scalar in value.unicodeScalars {
            var what = rule(scalar)
            if what == nil, isBidiControl(scalar) {
                what = "a bidirectional control character (\(Limits.show(scalar)))"
            }
            if what == nil, scalar == "\u{FFFD}" { what = "U+FFFD, the mark of text that was not valid UTF-8" }
            if let what {
                throw InputError(code: .invalidField, message: "\(name) '\(Limits.quote(value))' contains \(what)")
            }
        }
    }

    /// One line of free text (actors, key names) of at most `limit` characters: no tab or line break.
    @discardableResult
    public static func line(_ value: String, name: String, limit: Int) throws(InputError) -> String {
        let normalized = try text(value, name: name, limit: limit)
        if normalized.contains("\n") || normalized.contains("\t") {
            throw InputError(code: .invalidField, message: "\(name) must be one line")
        }
        return normalized
    }

    /// A whole number of at least `minimum` (counts, months, sequences).
    public static func positive(_ value: Int, name: String, minimum: Int = 1, maximum: Int = Int.max)
        throws(InputError)
    {
        guard value >= minimum, value <= maximum else {
            let range = maximum == Int.max ? "at least \(minimum)" : "from \(minimum) to \(maximum)"
            throw InputError(code: .invalidField, message: "\(name) must be a whole number \(range), got \(value)")
        }
    }

    /// Attribute keys: like codes, lowercase advised.
    public static func attributeKey(_ key: String) throws(InputError) {
        try code(key, name: "attribute name")
    }

    /// Attribute values: free text of one line.
    @discardableResult
    public static func attributeValue(_ value: String, key: String) throws(InputError) -> String {
        try line(value, name: "attribute '\(Limits.quote(key))'", limit: Limits.attributeValue)
    }

    /// Parses `key=value`.
    public static func attribute(_ text: String) throws(InputError) -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError(
                code: .invalidField, message: "attribute '\(Limits.quote(text))' must be written key=value")
        }
        let key = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        try attributeKey(key)
        guard !value.isEmpty else {
            throw InputError(code: .invalidField, message: "attribute '\(Limits.quote(key))' has an empty value")
        }
        return (key, try attributeValue(value, key: key))
    }

    /// Every attribute of a map, its values in NFC.
    public static func attributes(_ map: [String: String]) throws(InputError) -> [String: String] {
        guard map.count <= Limits.attributes else {
            throw InputError(code: .invalidField, message: "at most \(Limits.attributes) attributes, got \(map.count)")
        }
        var result: [String: String] = [:]
        for (key, value) in map {
            try attributeKey(key)
            result[key] = try attributeValue(value, key: key)
        }
        return result
    }

    private static func isCodeCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ":": true
        default: false
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// U+202A–202E (embeddings and overrides) and U+2066–2069 (isolates): they make text display in another
    /// order than it is stored, so a serial could look like another. U+200E/200F (marks) likewise.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
    }
}

/// The documented limits of the input policy.
public enum Limits {
    /// SKUs, location codes, document types, attribute names.
    public static let code = 64
    /// Serials, aliases, lots, document ids, customer references; actors (one line).
    public static let identifier = 100
    /// Names of products, locations, API keys.
    public static let name = 200
    /// Reasons and notes.
    public static let reason = 1_000
    /// One attribute value.
    public static let attributeValue = 200
    /// Attributes of one unit or product.
    public static let attributes = 50
    /// Documents on one event.
    public static let documents = 20
    /// A webhook URL.
    public static let url = 2_000
    /// How much of a refused value an error quotes.
    public static let quoted = 40

    /// At most ``quoted`` characters of `value`, control characters escaped, `…` when cut.
    public static func quote(_ value: String) -> String {
        var result = ""
        for (index, character) in value.enumerated() {
            if index == quoted { return result + "…" }
            for scalar in character.unicodeScalars {
                result += Field.isControl(scalar) || Field.isBidiControl(scalar) ? show(scalar) : String(scalar)
            }
        }
        return result
    }

    /// A scalar as `U+XXXX` when it would not print.
    static func show(_ scalar: Unicode.Scalar) -> String {
        if Field.isControl(scalar) || Field.isBidiControl(scalar) || scalar.properties.isWhitespace
            || scalar == "\u{FFFD}"
        {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return String(scalar)
    }
}
