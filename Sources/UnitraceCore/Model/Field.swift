import Foundation

/// Syntax checks for the identifiers people type: SKUs, location codes, serials, attribute keys.
public enum Field {
    /// SKUs and location codes: 1 to 64 characters, letters, digits and `-_.:`; no `/` (it separates SKU from serial).
    public static func code(_ value: String, name: String) throws(InputError) {
        guard !value.isEmpty, value.count <= 64 else {
            throw InputError(code: .invalidField, message: "\(name) must be 1 to 64 characters, got \(value.count)")
        }
        for character in value.unicodeScalars where !isCodeCharacter(character) {
            throw InputError(
                code: .invalidField,
                message: "\(name) '\(value)' contains '\(character)'; use letters, digits and - _ . :"
            )
        }
    }

    /// Serials and aliases: 1 to 100 printable characters without spaces.
    public static func serial(_ value: String, name: String = "serial") throws(InputError) {
        guard !value.isEmpty, value.count <= 100 else {
            throw InputError(code: .invalidField, message: "\(name) must be 1 to 100 characters, got \(value.count)")
        }
        for scalar in value.unicodeScalars where scalar.value <= 0x20 || scalar.value == 0x7F {
            throw InputError(
                code: .invalidField,
                message: "\(name) '\(value.debugDescriptionTrimmed)' contains a space or control character"
            )
        }
    }

    /// Attribute keys: like codes, lowercase advised.
    public static func attributeKey(_ key: String) throws(InputError) {
        try code(key, name: "attribute name")
    }

    /// Parses `key=value`.
    public static func attribute(_ text: String) throws(InputError) -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError(code: .invalidField, message: "attribute '\(text)' must be written key=value")
        }
        let key = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        try attributeKey(key)
        guard !value.isEmpty else {
            throw InputError(code: .invalidField, message: "attribute '\(key)' has an empty value")
        }
        return (key, value)
    }

    private static func isCodeCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ":": true
        default: false
        }
    }
}

extension String {
    var debugDescriptionTrimmed: String {
        String(debugDescription.dropFirst().dropLast())
    }
}
