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

    static func checkDigit(of body: some BidirectionalCollection<Int>) -> Int {
        GS1.checkDigit(of: body)
    }
}
