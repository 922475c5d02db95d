/// Vehicle Identification Numbers (ISO 3779): 17 characters, no I, O or Q, with the check digit in
/// position 9 that North American VINs must carry.
public enum VIN {
    /// The position-9 check digit (`0`…`9` or `X`) for `vin`, or `nil` when `vin` is not 17 valid characters.
    public static func checkCharacter(of vin: String) -> Character? {
        let characters = Array(vin.uppercased())
        guard characters.count == 17 else { return nil }
        let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = transliteration(character) else { return nil }
            sum += value * weights[index]
        }
        let remainder = sum % 11
        return remainder == 10 ? "X" : Character(String(remainder))
    }

    /// `vin` with its position-9 check digit set.
    public static func withCheckDigit(_ vin: String) -> String? {
        var characters = Array(vin.uppercased())
        guard characters.count == 17 else { return nil }
        characters[8] = "0"
        guard let check = checkCharacter(of: String(characters)) else { return nil }
        characters[8] = check
        return String(characters)
    }

    static func transliteration(_ character: Character) -> Int? {
        switch character {
        case "0"..."9": return character.wholeNumberValue
        case "A", "J": return 1
        case "B", "K", "S": return 2
        case "C", "L", "T": return 3
        case "D", "M", "U": return 4
        case "E", "N", "V": return 5
        case "F", "W": return 6
        case "G", "P", "X": return 7
        case "H", "Y": return 8
        case "R", "Z": return 9
        default: return nil
        }
    }
}

/// A parsed Vehicle Identification Number.
public struct VehicleIdentification: Hashable, Sendable, Codable {
    public var vin: String
    /// World Manufacturer Identifier: positions 1–3.
    public var wmi: String
    /// Vehicle Descriptor Section: positions 4–9 (position 9 is the check digit).
    public var vds: String
    /// Vehicle Identifier Section: positions 10–17.
    public var vis: String
    public var checkDigit: String
    /// Whether position 9 holds the computed check character. Enforced for North American VINs (first
    /// character 1 to 5), only reported for the rest.
    public var checkDigitValid: Bool

    /// - Throws: ``InputError`` naming what is wrong.
    public init(parsing text: String) throws(InputError) {
        let characters = Array(text)
        func fail(_ message: String) -> InputError { InputError(code: .invalidIdentifier, message: "VIN: \(message)") }
        guard characters.count == 17 else { throw fail("must be 17 characters, got \(characters.count)") }
        for (index, character) in characters.enumerated() {
            if character.isLowercase, character.isASCII {
                throw fail(
                    "character '\(character)' at position \(index + 1) is lower case; VINs are written in capitals")
            }
            if "IOQ".contains(character) {
                throw fail(
                    "character '\(character)' at position \(index + 1) is never used in a VIN (I, O and Q are excluded)"
                )
            }
            guard VIN.transliteration(character) != nil else {
                throw fail("character '\(character)' at position \(index + 1) is not allowed")
            }
        }
        let expected = VIN.checkCharacter(of: text) ?? "?"
        vin = text
        wmi = String(characters[0..<3])
        vds = String(characters[3..<9])
        vis = String(characters[9...])
        checkDigit = String(characters[8])
        checkDigitValid = characters[8] == expected
        if !checkDigitValid, ("1"..."5").contains(characters[0]) {
            throw fail("check digit is \(characters[8]), expected \(expected)")
        }
    }
}
