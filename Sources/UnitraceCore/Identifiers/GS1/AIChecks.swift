import Foundation

/// The named content checks of the AI table.
public enum AICheck: String, Hashable, Sendable {
    case csum, key, yymmd0, yymmdd, yymmddhh, hhmm, mmoptss, iso4217, iso3166, iso3166999, iso3166list, iso3166alpha2
    case pcenc, yesno, latitude, longitude, hyphen, zero, nonzero, winding, pieceoftotal, nozeroprefix, csumalpha, iban
    case importeridx, mediatype, couponcode, couponposoffer
}

/// Content checks for AI values: character sets, lengths, check digits, dates and the other rules the GS1
/// General Specifications give for each AI. Every failure names the AI and what is wrong.
enum AIChecks {
    /// Validates `value` as the data of `definition`.
    static func validate(_ value: [UInt8], for definition: AIDefinition) throws(InputError) {
        try validate(value[...], for: definition)
    }

    static func validate(_ value: ArraySlice<UInt8>, for definition: AIDefinition) throws(InputError) {
        let ai = definition.ai
        func fail(_ message: String) -> InputError {
            InputError(code: .invalidIdentifier, message: "AI (\(ai)): \(message)")
        }
        guard !value.isEmpty else { throw fail("the value is empty") }
        guard value.count <= definition.maxLength else {
            throw fail("the value is \(value.count) characters long, at most \(definition.maxLength) are allowed")
        }
        guard value.count >= definition.minLength else {
            throw fail("the value is \(value.count) characters long, \(definition.minLength) are needed")
        }
        var offset = 0
        let base = value.startIndex
        for component in definition.components {
            let remaining = value.count - offset
            if remaining == 0 {
                if component.optional { break }
                throw fail("the value is \(value.count) characters long, \(definition.minLength) are needed")
            }
            // Later fixed components keep their share; a variable component takes what is left, up to its maximum.
            let length =
                component.isFixed ? component.maxLength : min(component.maxLength, remaining - component.reservedAfter)
            guard length >= component.minLength, length <= remaining else {
                throw fail("the value is \(value.count) characters long, \(definition.minLength) are needed")
            }
            let slice = value[(base + offset)..<(base + offset + length)]
            try checkCharset(slice, component.charset, at: offset, fail: fail)
            if !component.checks.isEmpty {
                let part = Array(slice)
                for check in component.checks { try run(check, on: part, definition: definition, fail: fail) }
            }
            offset += length
        }
        guard offset == value.count else {
            throw fail("the value is \(value.count) characters long, at most \(offset) are allowed")
        }
    }

    static func checkCharset(
        _ part: ArraySlice<UInt8>, _ charset: AIDefinition.Charset, at offset: Int, fail: (String) -> InputError
    ) throws(InputError) {
        for (index, byte) in part.enumerated() {
            let ok: Bool
            switch charset {
            case .numeric: ok = isDigit(byte)
            case .cset82: ok = isCSET82(byte)
            case .cset39: ok = isDigit(byte) || (65...90).contains(byte) || byte == 0x23 || byte == 0x2D || byte == 0x2F
            case .cset64:
                ok =
                    isDigit(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 0x2D
                    || byte == 0x5F
                    || byte == 0x3D
            }
            guard ok else {
                let name: String
                switch charset {
                case .numeric: name = "only digits are allowed"
                case .cset82: name = "it is not in GS1 character set 82"
                case .cset39: name = "it is not in GS1 character set 39"
                case .cset64: name = "it is not in GS1 character set 64"
                }
                throw fail("character \(describe(byte)) at position \(offset + index + 1): \(name)")
            }
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

    /// GS1 AI encodable character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
    static func isCSET82(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x22, 0x25...0x3F, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }

    static func describe(_ byte: UInt8) -> String {
        if byte == 29 { return "<GS>" }
        if byte < 0x20 || byte >= 0x7F { return String(format: "0x%02X", byte) }
        return "'\(Character(Unicode.Scalar(byte)))'"
    }

    static func number(_ digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    // MARK: The named checks

    static func run(
        _ check: AICheck, on part: [UInt8], definition: AIDefinition, fail: (String) -> InputError
    ) throws(InputError) {
        switch check {
        case .csum:
            let digits = part.map { Int($0) - 48 }
            let expected = GS1.checkDigit(of: digits.dropLast())
            if digits.last != expected {
                throw fail("\(keyName(definition)) check digit is \(digits.last ?? 0), expected \(expected)")
            }
        case .key:
            // Alphanumeric keys start with a GS1 Company Prefix, itself at least four digits.
            if definition.components[0].charset != .numeric, part.count >= 4, !part.prefix(4).allSatisfy(isDigit) {
                throw fail("a GS1 key must start with a GS1 Company Prefix of digits")
            }
        case .yymmd0, .yymmdd, .yymmddhh:
            try checkDate(part, dayZero: check == .yymmd0, fail: fail)
            if check == .yymmddhh, number(part[6..<8]) > 23 {
                throw fail("hour \(number(part[6..<8])) is not an hour")
            }
        case .hhmm:
            if number(part[0..<2]) > 23 { throw fail("hour \(number(part[0..<2])) is not an hour") }
            if number(part[2..<4]) > 59 { throw fail("minute \(number(part[2..<4])) is not a minute") }
        case .mmoptss:
            guard part.count == 2 || part.count == 4 else {
                throw fail("minutes and optional seconds need 2 or 4 digits")
            }
            if number(part[0..<2]) > 59 { throw fail("minute \(number(part[0..<2])) is not a minute") }
            if part.count == 4, number(part[2..<4]) > 59 { throw fail("second \(number(part[2..<4])) is not a second") }
        case .iso4217:
            let code = String(decoding: part, as: UTF8.self)
            guard ISOCodes.currencies.contains(code) else {
                throw fail("\(code) is not an ISO 4217 currency code")
            }
        case .iso3166, .iso3166999:
            let code = String(decoding: part, as: UTF8.self)
            guard ISOCodes.countries.contains(code) || (check == .iso3166999 && code == "999") else {
                throw fail("\(code) is not an ISO 3166 country code")
            }
        case .iso3166list:
            guard part.count % 3 == 0 else { throw fail("country codes come in groups of three digits") }
            for start in stride(from: 0, to: part.count, by: 3) {
                let code = String(decoding: part[start..<(start + 3)], as: UTF8.self)
                guard ISOCodes.countries.contains(code) else {
                    throw fail("\(code) is not an ISO 3166 country code")
                }
            }
        case .iso3166alpha2:
            let code = String(decoding: part, as: UTF8.self)
            guard ISOCodes.countriesAlpha2.contains(code) else {
                throw fail("\(code) is not an ISO 3166 alpha-2 country code")
            }
        case .pcenc:
            var index = 0
            while index < part.count {
                if part[index] == 0x25 {
                    guard index + 2 < part.count, isHex(part[index + 1]), isHex(part[index + 2])
                    else { throw fail("'%' at position \(index + 1) must be followed by two hex digits") }
                    index += 3
                } else {
                    index += 1
                }
            }
        case .yesno:
            guard part == [48] || part == [49] else { throw fail("must be 0 (no) or 1 (yes)") }
        case .latitude:
            if number(part[...]) > 1_800_000_000 { throw fail("latitude is out of range") }
        case .longitude:
            if number(part[...]) > 3_600_000_000 { throw fail("longitude is out of range") }
        case .hyphen:
            guard part.allSatisfy({ $0 == 0x2D }) else { throw fail("only '-' is allowed here") }
        case .zero:
            guard part.allSatisfy({ $0 == 48 }) else { throw fail("must be 0") }
        case .nonzero:
            guard part.contains(where: { $0 != 48 }) else { throw fail("must not be zero") }
        case .winding:
            guard [48, 49, 57].contains(part[0]) else { throw fail("winding direction must be 0, 1 or 9") }
        case .pieceoftotal:
            let piece = number(part[0..<2])
            let total = number(part[2..<4])
            guard piece >= 1, total >= 1, piece <= total else {
                throw fail("piece \(piece) of \(total) is not a piece of the total")
            }
        case .nozeroprefix:
            guard part.count == 1 || part[0] != 48 else { throw fail("must not start with 0") }
        case .csumalpha:
            try checkAlphanumericPair(part, fail: fail)
        case .iban:
            try checkIBAN(part, fail: fail)
        case .importeridx:
            let ok =
                isDigit(part[0]) || (65...90).contains(part[0]) || (97...122).contains(part[0]) || part[0] == 0x2D
                || part[0] == 0x5F
            guard ok else { throw fail("importer index \(describe(part[0])) is not allowed") }
        case .mediatype:
            let value = number(part[...])
            guard (1...10).contains(value) || (80...99).contains(value) else {
                throw fail("media type \(value) is not an AIDC media type")
            }
        case .couponcode:
            try Coupon.checkCouponCode(part)
        case .couponposoffer:
            try Coupon.checkPositiveOffer(part)
        }
    }

    static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }

    static func keyName(_ definition: AIDefinition) -> String {
        switch definition.ai {
        case "00": "SSCC"
        case "01", "02", "8006", "8026": "GTIN"
        case "253": "GDTI"
        case "255": "GCN"
        case "402": "GSIN"
        case "410", "411", "412", "413", "414", "415", "416", "417": "GLN"
        case "8003": "GRAI"
        case "8017", "8018": "GSRN"
        default: "the"
        }
    }

    static func checkDate(_ part: [UInt8], dayZero: Bool, fail: (String) -> InputError) throws(InputError) {
        let year = GS1.fullYear(number(part[0..<2]))
        let month = number(part[2..<4])
        let day = number(part[4..<6])
        guard (1...12).contains(month) else { throw fail("month \(month) is not a month") }
        let last = Int(Timestamp.daysIn(month: Int64(month), year: Int64(year)))
        if day == 0 {
            guard dayZero else { throw fail("day 00 is not a day") }
        } else if day > last {
            throw fail("day \(day) is not a day of \(year)-\(String(format: "%02d", month))")
        }
    }

    /// The GS1 check character pair of alphanumeric keys (GMN): weighted sum of the character-set-82
    /// positions modulo 1021, written as two characters of the 32-character alphabet.
    static func checkAlphanumericPair(_ part: [UInt8], fail: (String) -> InputError) throws(InputError) {
        guard part.count >= 3 else { throw fail("too short to carry a check character pair") }
        let expected = GS1.checkCharacterPair(part.dropLast(2))
        guard let expected, Array(part.suffix(2)) == expected else {
            throw fail("check character pair is wrong")
        }
    }

    static func checkIBAN(_ part: [UInt8], fail: (String) -> InputError) throws(InputError) {
        guard part.count >= 5, part.prefix(2).allSatisfy({ (65...90).contains($0) }),
            part[2...3].allSatisfy(isDigit)
        else { throw fail("an IBAN starts with a country code and two check digits") }
        var remainder = 0
        for byte in part.dropFirst(4) + part.prefix(4) {
            if isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - 48)) % 97
            } else if (65...90).contains(byte) {
                remainder = (remainder * 100 + Int(byte - 55)) % 97
            } else {
                throw fail("an IBAN holds only capital letters and digits")
            }
        }
        guard remainder == 1 else { throw fail("IBAN check digits are wrong") }
    }
}
