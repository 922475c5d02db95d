/// The internal structure of the North American coupon AIs: (8110), the coupon code of the North American
/// Coupon Application Guideline, and (8112), the positive offer file coupon. Both are digits only, built of
/// fields whose length is given by a one-digit variable length indicator (VLI) before them.
enum Coupon {
    /// Reads the fields of a coupon from left to right, naming the field that is missing or wrong.
    private struct Reader {
        let digits: [UInt8]
        var position = 0
        let ai: String

        func fail(_ message: String) -> InputError {
            InputError(code: .invalidIdentifier, message: "AI (\(ai)): \(message)")
        }

        var atEnd: Bool { position == digits.count }
        var next: UInt8? { atEnd ? nil : digits[position] - 48 }

        /// One digit that must be in `allowed`.
        mutating func digit(_ field: String, allowed: Set<UInt8>? = nil) throws(InputError) -> UInt8 {
            guard let value = next else { throw fail("the coupon ends before its \(field)") }
            if let allowed, !allowed.contains(value) {
                throw fail("\(field) \(value) at position \(position + 1) is not allowed")
            }
            position += 1
            return value
        }

        /// `count` digits.
        mutating func field(_ field: String, count: Int) throws(InputError) -> ArraySlice<UInt8> {
            guard digits.count - position >= count else {
                throw fail("the \(field) needs \(count) digits, the coupon has \(digits.count - position) left")
            }
            defer { position += count }
            return digits[position..<(position + count)]
        }

        /// A VLI in `allowed`, then the field it gives the length of (`VLI + offset` digits; `none` for none).
        mutating func sized(_ field: String, allowed: ClosedRange<UInt8>, offset: Int, none: UInt8? = nil)
            throws(InputError)
        {
            let indicator = try digit("\(field) length indicator")
            if indicator == none { return }
            guard allowed.contains(indicator) else {
                throw fail("the \(field) length indicator \(indicator) at position \(position) is not allowed")
            }
            _ = try self.field(field, count: Int(indicator) + offset)
        }

        /// A `YYMMDD` date.
        mutating func date(_ field: String) throws(InputError) -> ArraySlice<UInt8> {
            let value = try self.field(field, count: 6)
            let month = AIChecks.number(value[(value.startIndex + 2)..<(value.startIndex + 4)])
            let day = AIChecks.number(value[(value.startIndex + 4)..<(value.startIndex + 6)])
            guard (1...12).contains(month), (1...31).contains(day) else {
                throw fail("the \(field) is not a date")
            }
            return value
        }

        mutating func purchase(_ ordinal: String) throws(InputError) {
            try sized("\(ordinal) purchase requirement", allowed: 1...5, offset: 0)
            _ = try digit("\(ordinal) purchase requirement code", allowed: [0, 1, 2, 3, 4, 9])
            _ = try field("\(ordinal) purchase family code", count: 3)
        }

        func finished() throws(InputError) {
            guard atEnd else {
                throw fail("the coupon has data left at position \(position + 1) that is no field of it")
            }
        }
    }

    private static func digits(_ part: [UInt8], ai: String) throws(InputError) -> [UInt8] {
        if let bad = part.firstIndex(where: { !AIChecks.isDigit($0) }) {
            throw InputError(
                code: .invalidIdentifier,
                message:
                    "AI (\(ai)): a coupon code holds digits only, not \(AIChecks.describe(part[bad])) at position \(bad + 1)"
            )
        }
        return part
    }

    /// AI (8110).
    static func checkCouponCode(_ part: [UInt8]) throws(InputError) {
        var reader = Reader(digits: try digits(part, ai: "8110"), ai: "8110")
        try reader.sized("company prefix", allowed: 0...6, offset: 6)
        _ = try reader.field("offer code", count: 6)
        try reader.sized("save value", allowed: 1...5, offset: 0)
        try reader.purchase("first")
        // Optional fields, each introduced by its number, in ascending order and once each.
        if reader.next == 1 {
            reader.position += 1
            _ = try reader.digit("additional purchase rules code", allowed: [0, 1, 2, 3])
            try reader.purchase("second")
            try reader.sized("second purchase company prefix", allowed: 0...6, offset: 6, none: 9)
        }
        if reader.next == 2 {
            reader.position += 1
            try reader.purchase("third")
            try reader.sized("third purchase company prefix", allowed: 0...6, offset: 6, none: 9)
        }
        var expiry: ArraySlice<UInt8>?
        if reader.next == 3 {
            reader.position += 1
            expiry = try reader.date("expiration date")
        }
        if reader.next == 4 {
            reader.position += 1
            let start = try reader.date("start date")
            if let expiry, Array(expiry).lexicographicallyPrecedes(Array(start)) {
                throw reader.fail("the coupon expires before it starts")
            }
        }
        if reader.next == 5 {
            reader.position += 1
            try reader.sized("serial number", allowed: 0...9, offset: 6)
        }
        if reader.next == 6 {
            reader.position += 1
            try reader.sized("retailer company prefix or GLN", allowed: 1...7, offset: 6)
        }
        if reader.next == 9 {
            reader.position += 1
            _ = try reader.digit("save value code", allowed: [0, 1, 2, 5, 6])
            _ = try reader.digit("save value applies-to-item code", allowed: [0, 1, 2])
            _ = try reader.digit("store coupon flag")
            _ = try reader.digit("don't-multiply flag", allowed: [0, 1])
        }
        try reader.finished()
    }

    /// AI (8112).
    static func checkPositiveOffer(_ part: [UInt8]) throws(InputError) {
        var reader = Reader(digits: try digits(part, ai: "8112"), ai: "8112")
        _ = try reader.digit("format code", allowed: [0, 1])
        try reader.sized("funder id", allowed: 0...6, offset: 6)
        _ = try reader.field("offer code", count: 6)
        try reader.sized("serial number", allowed: 0...9, offset: 6)
        try reader.finished()
    }
}
