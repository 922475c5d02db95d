/// GS1 Global Trade Item Numbers (GTIN-8, -12, -13 and -14) with their mod-10 check digit.
public enum GTIN {
    public static func validate(_ text: String) throws(InputError) {
        let digits = text.utf8.map { Int($0) - 48 }
        guard [8, 12, 13, 14].contains(digits.count) else {
            throw InputError(
                code: .invalidIdentifier, message: "GTIN must have 8, 12, 13 or 14 digits, got \(digits.count)")
        }
        guard digits.allSatisfy({ (0...9).contains($0) }) else {
            throw InputError(code: .invalidIdentifier, message: "GTIN '\(text)' must contain digits only")
        }
        let expected = checkDigit(of: digits.dropLast())
        guard digits.last == expected else {
            throw InputError(
                code: .invalidIdentifier,
                message: "GTIN check digit is \(digits.last ?? 0), expected \(expected)")
        }
    }

    /// The GS1 mod-10 check digit: weights 3 and 1 alternating from the right.
    static func checkDigit(of body: some BidirectionalCollection<Int>) -> Int {
        var sum = 0
        for (offset, digit) in body.reversed().enumerated() {
            sum += digit * (offset.isMultiple(of: 2) ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }
}
