/// Writes an EPCIS 2.0 JSON-LD document (`EPCISDocument`) event by event, so that a ledger of any size is
/// written in flat memory: one event a line, keys in sorted order, the `@context` last, when every prefix
/// the events used is known.
///
/// Two captured events may bind the same prefix to different namespaces; the standard context's binding, or
/// else the first, wins, and the other event's member names are written as full IRIs, which JSON-LD reads
/// the same.
public struct EPCISJSONWriter {
    public static let contextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

    private let creationDate: Timestamp
    /// The query a query document answers (`EPCISQueryDocument`); `nil` for a plain `EPCISDocument`.
    private let queryName: String?
    /// The standard context's prefixes keep their meaning; a document that bound one of them to another
    /// namespace has its member names written in full.
    private var bound = EPCISJSONReader.standardPrefixes
    public private(set) var count = 0

    public init(creationDate: Timestamp, queryName: String? = nil) {
        self.creationDate = creationDate
        self.queryName = queryName
    }

    /// The bytes before the first event.
    public func begin() -> [UInt8] {
        var json = CanonicalJSON(capacity: 256)
        let type = queryName == nil ? "EPCISDocument" : "EPCISQueryDocument"
        json.bytes.append(contentsOf: Array(#"{"type":"\#(type)","schemaVersion":"2.0","creationDate":"#.utf8))
        json.string(creationDate.iso8601)
        if let queryName {
            json.bytes.append(contentsOf: Array(#","epcisBody":{"queryResults":{"queryName":"#.utf8))
            json.string(queryName)
            json.bytes.append(contentsOf: Array(#","resultsBody":{"eventList":["#.utf8))
        } else {
            json.bytes.append(contentsOf: Array(#","epcisBody":{"eventList":["#.utf8))
        }
        return json.bytes
    }

    /// The bytes of one more event.
    public mutating func append(_ fields: [String: JSONValue], namespaces: [String: String]) -> [UInt8] {
        var clashing: [String: String] = [:]
        for (prefix, iri) in namespaces {
            if let existing = bound[prefix] {
                if existing != iri { clashing[prefix] = iri }
            } else {
                bound[prefix] = iri
            }
        }
        let value: JSONValue = clashing.isEmpty ? .object(fields) : Self.expanding(.object(fields), clashing)
        var json = CanonicalJSON(capacity: 512)
        json.bytes.append(contentsOf: Array((count == 0 ? "\n" : ",\n").utf8))
        json.json(value)
        count += 1
        return json.bytes
    }

    /// The bytes after the last event.
    public func finish() -> [UInt8] {
        var context: [JSONValue] = [.string(Self.contextURL)]
        for prefix in bound.keys.sorted() where EPCISJSONReader.standardPrefixes[prefix] == nil {
            context.append(.object([prefix: .string(bound[prefix]!)]))
        }
        var json = CanonicalJSON(capacity: 256)
        json.bytes.append(contentsOf: Array((queryName == nil ? "\n]}," : "\n]}}},").utf8))
        json.bytes.append(contentsOf: Array("\"@context\":".utf8))
        json.json(.array(context))
        json.bytes.append(contentsOf: Array("}\n".utf8))
        return json.bytes
    }

    /// Member names with one of `prefixes` written as full IRIs.
    static func expanding(_ value: JSONValue, _ prefixes: [String: String]) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                var name = key
                if let colon = key.firstIndex(of: ":"), let iri = prefixes[String(key[..<colon])] {
                    name = iri + key[key.index(after: colon)...]
                }
                result[name] = expanding(member, prefixes)
            }
            return .object(result)
        case .array(let items):
            return .array(items.map { expanding($0, prefixes) })
        default:
            return value
        }
    }
}
