import Foundation

/// Serial numbers as people type them: `1-5` (one to five), `10+3` (ten and the next three), lists with
/// commas, and `~` for the next free number (`~+4`: it and the next four).
public enum SerialEntry {
    public enum Item: Hashable, Sendable {
        /// A sequence number, written out by the product's serial template.
        case number(Int64)
        /// A serial taken as typed.
        case literal(String)
    }

    /// Expands `spec`. `nextFree` is the first number no serial has used yet.
    /// - Throws: ``InputError`` for a backwards or oversized range.
    public static func expand(_ spec: String, nextFree: Int64, limit: Int = 1_000_000) throws(InputError) -> [Item] {
        var items: [Item] = []
        var free = nextFree
        func fail(_ why: String) -> InputError { InputError(code: .invalidField, message: "serials '\(spec)': \(why)") }
        for raw in spec.split(separator: ",") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            guard !part.isEmpty else { continue }
            var first: Int64
            var last: Int64
            if part == "~" || part.hasPrefix("~+") {
                let more = part == "~" ? 0 : Int64(part.dropFirst(2)) ?? -1
                guard more >= 0 else { throw fail("'\(part)' must be ~ or ~+N") }
                first = free
                last = free + more
            } else if let dash = part.firstIndex(of: "-"), let a = Int64(part[..<dash]),
                let b = Int64(part[part.index(after: dash)...]),
                part.first != "-"
            {
                guard b >= a else { throw fail("range \(part) runs backwards") }
                first = a
                last = b
            } else if let plus = part.firstIndex(of: "+"), let a = Int64(part[..<plus]),
                let n = Int64(part[part.index(after: plus)...])
            {
                first = a
                last = a + n
            } else if let number = Int64(part), number >= 0, part.allSatisfy(\.isASCIIDigit) {
                first = number
                last = number
            } else {
                items.append(.literal(part))
                continue
            }
            guard first >= 0, last - first < Int64(limit) - Int64(items.count) else {
                throw fail("'\(part)' makes more than \(limit) serials")
            }
            for number in first...last { items.append(.number(number)) }
            free = max(free, last + 1)
        }
        guard !items.isEmpty else { throw fail("names no serial") }
        return items
    }
}
