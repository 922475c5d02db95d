import Foundation

/// GS1 Digital Link URIs (uncompressed): `https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ?17=271231`.
public enum DigitalLink {
    /// The stem GS1 itself resolves.
    public static let defaultStem = "https://id.gs1.org"

    static func fail(_ message: String) -> InputError {
        InputError(code: .invalidIdentifier, message: "Digital Link: \(message)")
    }

    /// Reads the AIs a Digital Link URI carries: the primary key and its qualifiers from the path, data
    /// attributes from the query (other query parameters such as `linkType` are ignored).
    /// - Throws: ``InputError`` naming what is wrong.
    public static func parse(_ uri: String, syntaxOnly: Bool = false) throws(InputError) -> GS1Data {
        let bytes = Array(uri.utf8)
        // The scheme and the host are case-insensitive (RFC 3986); the path, which holds the AIs, is not.
        let lowered = bytes.prefix(8).map { (65...90).contains($0) ? $0 + 32 : $0 }
        let scheme: Int
        if lowered.starts(with: Array("https://".utf8)) {
            scheme = 8
        } else if lowered.starts(with: Array("http://".utf8)) {
            scheme = 7
        } else {
            throw fail("must start with http:// or https://")
        }
        if let bad = bytes.firstIndex(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw fail("character \(AIChecks.describe(bytes[bad])) at position \(bad + 1) is not allowed in a URI")
        }
        var rest = bytes[scheme...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        var query: ArraySlice<UInt8> = []
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            query = rest[(question + 1)...]
            rest = rest[..<question]
        }
        // A host may be an IPv6 literal in brackets, whose colons are not a port's.
        var hostEnd = rest.startIndex
        if rest.first == UInt8(ascii: "[") {
            guard let close = rest.firstIndex(of: UInt8(ascii: "]")) else {
                throw fail("the IPv6 host is not closed by ']'")
            }
            guard IPAddress(literal: String(decoding: rest[rest.startIndex...close], as: UTF8.self)) != nil else {
                throw fail("the host in brackets is not an IPv6 address")
            }
            hostEnd = close
        }
        guard let slash = rest[hostEnd...].firstIndex(of: UInt8(ascii: "/")), slash > rest.startIndex else {
            throw fail("has no host or no path")
        }
        let segments = rest[(slash + 1)...].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }

        // The AIs are the trailing pairs of the path, starting at its last primary key.
        var keyIndex: Int?
        var index = segments.count - 2
        while index >= 0 {
            if let definition = AIDefinition.named(segments[index]), definition.digitalLinkQualifiers != nil {
                keyIndex = index
                break
            }
            index -= 2
        }
        guard let keyIndex else { throw fail("the path holds no GS1 primary key such as /01/<GTIN> or /00/<SSCC>") }
        let key = AIDefinition.named(segments[keyIndex])!
        var elements: [GS1Element] = []
        var pathAIs: [String] = []
        var position = keyIndex
        while position < segments.count {
            let ai = segments[position]
            guard AIDefinition.named(ai) != nil else {
                throw fail("/\(ai)/ in the path is not a GS1 Application Identifier")
            }
            let value = try decode(segments[position + 1], ai: ai)
            if ai == "01", value.utf8.count != 14, [8, 12, 13].contains(value.utf8.count),
                value.utf8.allSatisfy(AIChecks.isDigit)
            {
                let padded = String(repeating: "0", count: 14 - value.utf8.count) + value
                throw fail("a GTIN in the path is written with 14 digits: /01/\(padded), not /01/\(value)")
            }
            elements.append(GS1Element(ai: ai, value: value))
            pathAIs.append(ai)
            position += 2
        }
        let qualifiers = Array(pathAIs.dropFirst())
        let alternatives = key.digitalLinkQualifiers ?? [[]]
        let ordered = alternatives.contains { sequence in
            var cursor = sequence.startIndex
            for qualifier in qualifiers {
                guard let found = sequence[cursor...].firstIndex(of: qualifier) else { return false }
                cursor = found + 1
            }
            return true
        }
        guard ordered else {
            let allowed = alternatives.map { $0.isEmpty ? "none" : $0.map { "/\($0)" }.joined() }.joined(
                separator: " or ")
            throw fail(
                "after /\(key.ai)/ the path may hold \(allowed) in that order, not \(qualifiers.map { "/\($0)" }.joined())"
            )
        }

        var queried = Set<String>()
        for pair in query.split(separator: UInt8(ascii: "&")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: pair[..<equals], as: UTF8.self)
            guard !name.isEmpty, name.utf8.allSatisfy(AIChecks.isDigit) else { continue }
            guard queried.insert(name).inserted else { throw fail("query parameter \(name) is given twice") }
            guard let definition = AIDefinition.named(name) else {
                throw fail("query parameter \(name) is not a GS1 Application Identifier")
            }
            let isQualifier = alternatives.contains { $0.contains(name) }
            if isQualifier || pathAIs.contains(name) {
                throw fail("AI (\(name)) belongs in the path, not in the query")
            }
            guard definition.isDigitalLinkAttribute else {
                throw fail("AI (\(name)) cannot be a Digital Link data attribute")
            }
            let value = try decode(String(decoding: pair[(equals + 1)...], as: UTF8.self), ai: name)
            elements.append(GS1Element(ai: name, value: value))
        }
        return try GS1.validate(elements, syntaxOnly: syntaxOnly)
    }

    static func decode(_ text: String, ai: String) throws(InputError) -> String {
        guard !text.isEmpty else { throw fail("AI (\(ai)) has an empty value") }
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return text }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else {
                    throw fail("AI (\(ai)): '\(text)' is not valid percent-encoding")
                }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        guard let value = String(validating: decoded, as: UTF8.self) else {
            throw fail("AI (\(ai)): '\(text)' is not valid percent-encoding")
        }
        return value
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }

    /// Writes `data` as a Digital Link URI on `stem`: the first primary key and the qualifiers it allows in
    /// the path, every other AI in the query, in input order.
    /// - Throws: ``InputError`` when `data` has no primary key or `stem` is not an http(s) URL.
    public static func make(_ data: GS1Data, stem: String = defaultStem) throws(InputError) -> String {
        guard stem.hasPrefix("https://") || stem.hasPrefix("http://"), !stem.contains("?"), !stem.contains("#") else {
            throw fail("the stem must be an http:// or https:// URL without query, got '\(stem)'")
        }
        guard
            let keyIndex = data.elements.firstIndex(where: { AIDefinition.named($0.ai)?.digitalLinkQualifiers != nil }),
            let alternatives = AIDefinition.named(data.elements[keyIndex].ai)?.digitalLinkQualifiers
        else { throw fail("there is no primary key (GTIN, SSCC, GLN, …) to build a Digital Link from") }
        let present = Set(data.elements.map(\.ai))
        let sequence =
            alternatives.max { lhs, rhs in
                lhs.filter(present.contains).count < rhs.filter(present.contains).count
            } ?? []
        var path = stem.hasSuffix("/") ? String(stem.dropLast()) : stem
        let key = data.elements[keyIndex]
        path += "/\(key.ai)/\(encode(key.value))"
        var used: Set<Int> = [keyIndex]
        for qualifier in sequence {
            if let index = data.elements.firstIndex(where: { $0.ai == qualifier }) {
                path += "/\(qualifier)/\(encode(data.elements[index].value))"
                used.insert(index)
            }
        }
        let rest = data.elements.enumerated().filter { !used.contains($0.offset) }
        if let stranded = rest.first(where: { AIDefinition.named($0.element.ai)?.isDigitalLinkAttribute == false }) {
            throw fail(
                "AI (\(stranded.element.ai)) cannot appear in a Digital Link URI here: it is neither a qualifier of /\(key.ai)/ in the path nor a permitted data attribute"
            )
        }
        let query = rest.map { "\($0.element.ai)=\(encode($0.element.value))" }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// Percent-encodes everything but the URI unreserved characters.
    static func encode(_ value: String) -> String {
        var text = ""
        for byte in value.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E:
                text.append(Character(Unicode.Scalar(byte)))
            default:
                text += String(format: "%%%02X", byte)
            }
        }
        return text
    }
}
