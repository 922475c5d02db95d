/// A date without a time (`YYYY-MM-DD`): a lot's expiry, a made-on or best-before date.
public struct CalendarDay: Hashable, Sendable, Comparable, Codable {
    /// Days since 1970-01-01.
    public var daysSince1970: Int64

    public init(daysSince1970: Int64) {
        self.daysSince1970 = daysSince1970
    }

    /// Parses `YYYY-MM-DD`. - Throws: ``InputError`` naming the field.
    public init(parsing text: String, name: String = "date") throws(InputError) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int64(bytes[index] - 48)
            }
            return value
        }
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day)
        else {
            throw InputError(
                code: .invalidField, message: "\(name) '\(Limits.quote(text))' must be a date written YYYY-MM-DD")
        }
        daysSince1970 = Timestamp.days(fromCivil: year, month, day)
    }

    /// The day `timestamp` falls on in its own offset.
    public init(_ timestamp: Timestamp) {
        let local = timestamp.millisecondsSince1970 + Int64(timestamp.offsetSeconds) * 1000
        daysSince1970 = local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
    }

    public func adding(days: Int64) -> CalendarDay { CalendarDay(daysSince1970: daysSince1970 + days) }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSince1970 < rhs.daysSince1970 }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try CalendarDay(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CalendarDay: CustomStringConvertible {
    public var description: String {
        let (year, month, day) = Timestamp.civil(fromDays: daysSince1970)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
