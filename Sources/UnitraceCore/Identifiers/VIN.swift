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
