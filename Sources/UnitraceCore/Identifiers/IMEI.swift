/// International Mobile Equipment Identity: 15 digits ending in a Luhn check digit (IMEI), or 16 digits
/// ending in a software version number (IMEISV). Separators `-` and spaces are allowed.
public struct IMEI: Hashable, Sendable, Codable {
    /// Type Allocation Code: 8 digits naming the maker and model.
    public var tac: String
    /// 6 digits.
    public var serial: String
    /// The Luhn digit (IMEI), or `nil` for an IMEISV.
    public var checkDigit: String?
    /// The software version number of an IMEISV.
    public var softwareVersion: String?

    /// The digits without separators.
    public var digits: String { tac + serial + (checkDigit ?? "") + (softwareVersion ?? "") }

    /// - Throws: ``InputError`` naming what is wrong.
    public init(parsing text: String) throws(InputError) {
        var digits: [UInt8] = []
        for (index, byte) in text.utf8.enumerated() {
            if byte == 0x2D || byte == 0x20 { continue }
            guard (48...57).contains(byte) else {
                throw InputError(
                    code: .invalidIdentifier,
                    message: "IMEI: character \(AIChecks.describe(byte)) at position \(index + 1) is not a digit")
            }
            digits.append(byte)
        }
        let string = String(decoding: digits, as: UTF8.self)
        tac = String(string.prefix(8))
        serial = String(string.dropFirst(8).prefix(6))
        switch digits.count {
        case 15:
            let expected = IMEI.luhn(digits.dropLast().map { Int($0) - 48 })
            let given = Int(digits[14]) - 48
            guard given == expected else {
                throw InputError(
                    code: .invalidIdentifier, message: "IMEI check digit is \(given), expected \(expected)")
            }
            checkDigit = String(given)
        case 16:
            softwareVersion = String(string.suffix(2))
        default:
            throw InputError(
                code: .invalidIdentifier, message: "IMEI must have 15 digits (or 16 for an IMEISV), got \(digits.count)"
            )
        }
    }

    /// The Luhn check digit of `body`: every second digit from the right doubled.
    public static func luhn(_ body: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in body.reversed().enumerated() {
            if offset.isMultiple(of: 2) {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return (10 - sum % 10) % 10
    }
}
