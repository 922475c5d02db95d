import Foundation

/// A JSON value kept as data: what Unitrace stores of the parts of an event it does not interpret (EPCIS
/// extension fields, instance/lot master data, sensor reports), so that they leave as they came.
///
/// Numbers are kept in one canonical spelling (``JSONValue/number(_:)``): an integer that fits in 53 bits as
/// its digits, anything else as the shortest text that reads back as the same double. The spelling is
/// chosen when a value enters, so a stored event re-encodes to the same bytes.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The canonical spelling of a number: see ``JSONValue/canonicalNumber(_:)``.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var object: [String: JSONValue]? {
        if case .object(let value) = self { value } else { nil }
    }

    public var array: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    public subscript(key: String) -> JSONValue? {
        object?[key]
    }

    /// The number's value, when it is one.
    public var double: Double? {
        if case .number(let text) = self { Double(text) } else { nil }
    }

    /// The canonical spelling of a number read as `value`: digits for an integer of at most 53 bits
    /// (`200`, `-3`), otherwise Swift's shortest round-trip text (`26.2`, `1e+300`). `nil` for infinities
    /// and NaN, which JSON cannot hold.
    public static func canonicalNumber(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// A number from its text as written in a document (`200`, `1.50`, `2E3`), in canonical spelling.
    public static func number(parsing text: String) -> JSONValue? {
        guard let value = Double(text), let canonical = canonicalNumber(value) else { return nil }
        return .number(canonical)
    }

    /// What a person would write for this value in a sentence: the string itself, or JSON.
    public var plainText: String {
        switch self {
        case .string(let text): text
        default: String(decoding: JSONValue.canonicalBytes(self), as: UTF8.self)
        }
    }

    /// Canonical JSON: keys sorted by their UTF-8 bytes, no insignificant whitespace.
    public static func canonicalBytes(_ value: JSONValue) -> [UInt8] {
        var writer = CanonicalJSON(capacity: 128)
        writer.json(value)
        return writer.bytes
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(String(value))
        } else if let value = try? container.decode(Double.self) {
            guard let text = JSONValue.canonicalNumber(value) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a finite number")
            }
            self = .number(text)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let text):
            if let integer = Int64(text) { try container.encode(integer) } else { try container.encode(Double(text)!) }
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}

extension CanonicalJSON {
    mutating func json(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: Array("null".utf8))
        case .bool(let flag): bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .number(let text): bytes.append(contentsOf: Array(text.utf8))
        case .string(let text): string(text)
        case .array(let items): array(items) { $0.json($1) }
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                json(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
