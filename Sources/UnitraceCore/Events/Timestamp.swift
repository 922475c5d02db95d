import Foundation

/// An instant with the UTC offset it was observed in, to the millisecond.
///
/// A scanner in Lyon says `2026-11-27T14:03:00+01:00`; Unitrace keeps the `+01:00`, so history reads in
/// the local time of the place where things happened, while ordering and ranges use the instant.
public struct Timestamp: Hashable, Sendable {
    public var millisecondsSince1970: Int64
    public var offsetSeconds: Int

    public init(millisecondsSince1970: Int64, offsetSeconds: Int = 0) {
        self.millisecondsSince1970 = millisecondsSince1970
        self.offsetSeconds = offsetSeconds
    }

    public init(_ date: Date, offsetSeconds: Int = 0) {
        self.init(
            millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)),
            offsetSeconds: offsetSeconds)
    }

    /// Now, in this machine's time zone.
    public static func now(in timeZone: TimeZone = .current, date: Date = Date()) -> Timestamp {
        Timestamp(date, offsetSeconds: timeZone.secondsFromGMT(for: date))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    /// `2026-11-27T14:03:00.000+01:00`, or `…Z` at offset zero.
    public var iso8601: String {
        let local = millisecondsSince1970 + Int64(offsetSeconds) * 1000
        let (days, msOfDay) = local.floorDivided(by: 86_400_000)
        let (year, month, day) = Self.civil(fromDays: days)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let millis = msOfDay % 1000
        var text =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))"
        if offsetSeconds == 0 {
            text += "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let magnitude = abs(offsetSeconds)
            text += "\(sign)\(pad(Int64(magnitude / 3600), 2)):\(pad(Int64(magnitude / 60 % 60), 2))"
        }
        return text
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`. A time without an offset is refused: it would be
    /// ambiguous once it leaves the scanner.
    public init(iso8601 text: String) throws(InputError) {
        let bytes = Array(text.utf8)
        var index = 0
        func fail(_ why: String) -> InputError {
            InputError(
                code: .invalidField,
                message: "time '\(Limits.quote(text))' \(why); write it like 2026-11-27T14:03:00+01:00")
        }
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + width] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
            throw fail("does not start with a date YYYY-MM-DD")
        }
        guard (1...12).contains(month) else { throw fail("has month \(month)") }
        guard (1...Self.daysIn(month: month, year: year)).contains(day) else { throw fail("has day \(day)") }
        guard expect("Tt "), let hour = number(2), expect(":"), let minute = number(2) else {
            throw fail("has no time HH:MM after the date")
        }
        var second: Int64 = 0
        var millis: Int64 = 0
        if expect(":") {
            guard let value = number(2) else { throw fail("has a bad seconds field") }
            second = value
            if expect(".,") {
                var digits = 0
                while index < bytes.count, (48...57).contains(bytes[index]) {
                    if digits < 3 { millis = millis * 10 + Int64(bytes[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { throw fail("has a '.' without fraction digits") }
                if digits < 3 { for _ in digits..<3 { millis *= 10 } }
            }
        }
        guard hour < 24, minute < 60, second < 60 else { throw fail("is not a time of day") }
        var offset = 0
        if expect("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard let hours = number(2) else { throw fail("has a bad offset") }
            _ = expect(":")
            guard let minutes = number(2), hours <= 18, minutes < 60 else { throw fail("has a bad offset") }
            offset = Int(hours * 3600 + minutes * 60) * (negative ? -1 : 1)
        } else {
            throw fail("has no time-zone offset (Z or +01:00)")
        }
        guard index == bytes.count else { throw fail("has extra characters at the end") }
        let days = Self.days(fromCivil: year, month, day)
        let local = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
        self.init(millisecondsSince1970: local - Int64(offset) * 1000, offsetSeconds: offset)
    }

    // Days since 1970-01-01 in the proleptic Gregorian calendar, and back (Hinnant's algorithms).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The calendar year in the timestamp's own offset.
    public var year: Int {
        let (days, _) = (millisecondsSince1970 + Int64(offsetSeconds) * 1000).floorDivided(by: 86_400_000)
        return Int(Self.civil(fromDays: days).0)
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let quotient = self >= 0 ? self / divisor : (self - divisor + 1) / divisor
        return (quotient, self - quotient * divisor)
    }
}

extension Timestamp: Comparable {
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(iso8601: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

extension Timestamp: CustomStringConvertible {
    public var description: String { iso8601 }
}
