import Foundation

/// An IPv4 or IPv6 address, read from every spelling a URL host or a resolver may give it, and the ranges
/// that are not the public internet (loopback, private, link-local, unique-local, …).
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// Reads an address literal: IPv4 in dotted, shortened, decimal, octal or hex spellings as URL parsers and
    /// `inet_aton` accept them (`127.1`, `2130706433`, `0177.0.0.1`, `0x7f.0.0.1`), or IPv6 with or without
    /// brackets, `::` and an embedded IPv4 tail (`::ffff:127.0.0.1`); a zone (`%eth0`) is ignored. `nil` for a
    /// name.
    public init?(literal: some StringProtocol) {
        var text = Substring(literal)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        if text.contains(":") {
            guard let bytes = Self.parseV6(text) else { return nil }
            self = .v6(bytes)
        } else {
            guard let value = Self.parseV4(text) else { return nil }
            self = .v4(value)
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }
            .joined(separator: ":")
        }
    }

    /// What kind of network the address belongs to, `nil` for the public internet.
    public var restrictedRange: String? {
        switch self {
        case .v4(let value): return Self.restrictedV4(value)
        case .v6(let bytes): return Self.restrictedV6(bytes)
        }
    }

    private static func restrictedV4(_ value: UInt32) -> String? {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool {
            bits == 0 || value >> (32 - bits) == base >> (32 - bits)
        }
        if within(0x7F00_0000, 8) { return "loopback" }
        if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) { return "private" }
        if within(0xA9FE_0000, 16) { return "link-local" }
        if within(0x6440_0000, 10) { return "shared address space" }
        if within(0x0000_0000, 8) { return "this network" }
        if within(0xC000_0000, 24) || within(0xC612_0000, 15) { return "reserved" }
        if within(0xE000_0000, 4) { return "multicast" }
        if within(0xF000_0000, 4) { return "reserved" }
        return nil
    }

    private static func restrictedV6(_ bytes: [UInt8]) -> String? {
        let embedded = UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? "loopback" : "unspecified" }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): the IPv4 address decides.
        if bytes[0..<10].allSatisfy({ $0 == 0 })
            && (bytes[10..<12].allSatisfy { $0 == 0xFF } || bytes[10..<12].allSatisfy { $0 == 0 })
        {
            return restrictedV4(embedded)
        }
        // NAT64 (64:ff9b::/96) carries an IPv4 address in its last four bytes.
        if bytes[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return restrictedV4(embedded) }
        // 6to4 (2002::/16) carries one in bytes 2 to 5.
        if bytes[0] == 0x20 && bytes[1] == 0x02 {
            let v4 = UInt32(bytes[2]) << 24 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 8 | UInt32(bytes[5])
            if let range = restrictedV4(v4) { return range }
        }
        if bytes[0] & 0xFE == 0xFC { return "unique-local" }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "link-local" }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return "site-local" }
        if bytes[0] == 0xFF { return "multicast" }
        return nil
    }

    /// One to four parts; each decimal, `0x` hex or leading-zero octal; the last part fills the bytes left.
    private static func parseV4(_ text: Substring) -> UInt32? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }  // a trailing dot
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard !part.isEmpty else { return nil }
            let lower = part.lowercased()
            let value: UInt64?
            if lower.hasPrefix("0x") {
                value = lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16)
            } else if lower.count > 1 && lower.hasPrefix("0") {
                value = UInt64(lower.dropFirst(), radix: 8)
            } else {
                value = lower.allSatisfy(\.isASCII) ? UInt64(lower, radix: 10) : nil
            }
            guard let value else { return nil }
            values.append(value)
        }
        var result: UInt64 = 0
        for (index, value) in values.dropLast().enumerated() {
            guard value <= 0xFF else { return nil }
            result |= value << UInt64(24 - 8 * index)
        }
        let last = values.last!
        let room = UInt64(8 * (5 - values.count))
        guard last < (1 << room) else { return nil }
        return UInt32(result | last)
    }

    private static func parseV6(_ text: Substring) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseDottedQuad(piece) else { return nil }
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let all: [UInt16]
        if halves.count == 2 {
            guard head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// The strict form inside IPv6: four decimal parts.
    private static func parseDottedQuad(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), let value = UInt32(part), value <= 255 else { return nil }
            result = result << 8 | value
        }
        return result
    }
}
