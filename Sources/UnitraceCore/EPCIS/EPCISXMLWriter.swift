/// Writes an EPCIS 2.0 XML document (`epcis:EPCISDocument`) event by event, in flat memory: the inverse of
/// ``EPCISXMLReader``, so that an event read from JSON, written as XML and read again has the same members.
///
/// Elements follow the order of GS1's XML Schema for each event type; CBV words become the URNs XML uses
/// (`shipping` → `urn:epcglobal:cbv:bizstep:shipping`); extension members become elements of their
/// namespace, declared on the event that uses them, so each event stands on its own; a number or a boolean
/// among them carries its `xsi:type`, so that it reads back as a number or a boolean.
public struct EPCISXMLWriter: EPCISDocumentWriter {
    public static let namespace = "urn:epcglobal:epcis:xsd:2"
    static let instanceNamespace = "http://www.w3.org/2001/XMLSchema-instance"
    static let schemaNamespace = "http://www.w3.org/2001/XMLSchema"

    private let creationDate: Timestamp
    public private(set) var count = 0

    public init(creationDate: Timestamp) {
        self.creationDate = creationDate
    }

    public func begin() -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <epcis:EPCISDocument xmlns:epcis="\(Self.namespace)" schemaVersion="2.0" creationDate="\(Self.escaped(creationDate.iso8601))">
            <EPCISBody>
            <EventList>

            """.utf8)
    }

    public mutating func append(_ fields: [String: JSONValue], namespaces: [String: String]) -> [UInt8] {
        var event = EventElement(namespaces: namespaces)
        count += 1
        return Array(event.write(fields).utf8)
    }

    public func finish() -> [UInt8] {
        Array("</EventList>\n</EPCISBody>\n</epcis:EPCISDocument>\n".utf8)
    }

    /// The members of each event type, in the order of GS1's XML Schema (after those every event has).
    static func order(of type: EPCISEventType) -> [String] {
        let located = ["bizStep", "disposition", "readPoint", "bizLocation"]
        switch type {
        case .object:
            return ["epcList", "action"] + located + [
                "bizTransactionList", "quantityList", "sourceList", "destinationList", "sensorElementList",
                "persistentDisposition", "ilmd",
            ]
        case .aggregation:
            return ["parentID", "childEPCs", "action"] + located + [
                "bizTransactionList", "childQuantityList", "sourceList", "destinationList", "sensorElementList",
                "persistentDisposition",
            ]
        case .transaction:
            return ["bizTransactionList", "parentID", "epcList", "action"] + located + [
                "quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition",
            ]
        case .transformation:
            return ["inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID"]
                + located + [
                    "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition",
                    "ilmd",
                ]
        case .association:
            return ["parentID", "childEPCs", "childQuantityList", "action"] + located + [
                "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition",
            ]
        }
    }

    /// The members every event has, in the Schema's order.
    static let common = [
        "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo",
    ]

    /// The URN XML writes for a bare CBV word of a kind (`bizstep`, `disp`, `btt`, `sdt`, `er`).
    static func urn(_ value: String, _ kind: String) -> String {
        value.contains(":") ? value : "urn:epcglobal:cbv:\(kind):\(value)"
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The text of a scalar member.
    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        case .array, .object: ""
        }
    }

    /// One event being written.
    struct EventElement {
        /// The prefixes the document bound; a full IRI used as a member name gets a prefix of its own.
        var namespaces: [String: String]
        var used: [String: String] = [:]
        var body = ""

        init(namespaces: [String: String]) {
            self.namespaces = namespaces
        }

        /// The event's element, with the namespaces it uses declared on it.
        mutating func write(_ fields: [String: JSONValue]) -> String {
            let type = fields["type"]?.string.flatMap(EPCISEventType.init(rawValue:)) ?? .object
            let known = Set(common + order(of: type) + ["type"])
            for name in common + order(of: type) {
                guard let value = fields[name] else { continue }
                member(name, value)
            }
            for name in fields.keys.sorted() where !known.contains(name) {
                extensionElement(name, fields[name]!)
            }
            // A prefix the event uses only in values (a compact URI such as `example:x`) is declared too, so
            // that the value reads back with its meaning.
            for (prefix, namespace) in namespaces
            where used[prefix] == nil && EPCISJSONReader.standardPrefixes[prefix] == nil {
                used[prefix] = namespace
            }
            var declarations = ""
            for prefix in used.keys.sorted() {
                declarations += " xmlns:\(prefix)=\"\(escaped(used[prefix]!))\""
            }
            return "<\(type.rawValue)\(declarations)>\n" + body + "</\(type.rawValue)>\n"
        }

        mutating func element(_ name: String, _ text: String, attributes: [(String, String)] = []) {
            body += "<\(name)"
            for (key, value) in attributes { body += " \(key)=\"\(escaped(value))\"" }
            body += ">\(escaped(text))</\(name)>\n"
        }

        mutating func member(_ name: String, _ value: JSONValue) {
            switch name {
            case "bizStep":
                element(name, urn(scalar(value), "bizstep"))
            case "disposition":
                element(name, urn(scalar(value), "disp"))
            case "certificationInfo":
                for item in value.array ?? [value] { element(name, scalar(item)) }
            case "epcList", "childEPCs", "inputEPCList", "outputEPCList":
                body += "<\(name)>\n"
                for epc in value.array ?? [] { element("epc", scalar(epc)) }
                body += "</\(name)>\n"
            case "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList":
                body += "<\(name)>\n"
                for item in value.array ?? [] {
                    body += "<quantityElement>\n"
                    for part in ["epcClass", "quantity", "uom"] {
                        if let member = item[part] { element(part, scalar(member)) }
                    }
                    body += "</quantityElement>\n"
                }
                body += "</\(name)>\n"
            case "readPoint", "bizLocation":
                body += "<\(name)>\n"
                if let id = value["id"] { element("id", scalar(id)) }
                extensions(of: value, except: ["id"])
                body += "</\(name)>\n"
            case "bizTransactionList":
                body += "<\(name)>\n"
                for item in value.array ?? [] {
                    let type = item["type"].map { [("type", urn(scalar($0), "btt"))] } ?? []
                    element("bizTransaction", scalar(item["bizTransaction"] ?? .null), attributes: type)
                }
                body += "</\(name)>\n"
            case "sourceList", "destinationList":
                let entry = name == "sourceList" ? "source" : "destination"
                body += "<\(name)>\n"
                for item in value.array ?? [] {
                    let type = item["type"].map { [("type", urn(scalar($0), "sdt"))] } ?? []
                    element(entry, scalar(item[entry] ?? .null), attributes: type)
                }
                body += "</\(name)>\n"
            case "persistentDisposition":
                body += "<\(name)>\n"
                for part in ["unset", "set"] {
                    for word in value[part]?.array ?? [] { element(part, urn(scalar(word), "disp")) }
                }
                body += "</\(name)>\n"
            case "errorDeclaration":
                body += "<\(name)>\n"
                if let time = value["declarationTime"] { element("declarationTime", scalar(time)) }
                if let reason = value["reason"] { element("reason", urn(scalar(reason), "er")) }
                if let ids = value["correctiveEventIDs"]?.array {
                    body += "<correctiveEventIDs>\n"
                    for id in ids { element("correctiveEventID", scalar(id)) }
                    body += "</correctiveEventIDs>\n"
                }
                extensions(of: value, except: ["declarationTime", "reason", "correctiveEventIDs"])
                body += "</\(name)>\n"
            case "ilmd":
                body += "<\(name)>\n"
                extensions(of: value, except: [])
                body += "</\(name)>\n"
            case "sensorElementList":
                body += "<\(name)>\n"
                for item in value.array ?? [] { sensorElement(item) }
                body += "</\(name)>\n"
            default:
                element(name, scalar(value))
            }
        }

        mutating func sensorElement(_ value: JSONValue) {
            body += "<sensorElement>\n"
            if let metadata = value["sensorMetadata"] {
                body += "<sensorMetadata\(sensorAttributes(metadata))/>\n"
            }
            for report in value["sensorReport"]?.array ?? [] {
                body += "<sensorReport\(sensorAttributes(report))/>\n"
            }
            extensions(of: value, except: ["sensorMetadata", "sensorReport"])
            body += "</sensorElement>\n"
        }

        /// Sensor members are attributes; a measurement or alert type of GS1's vocabulary is a `gs1:` name.
        mutating func sensorAttributes(_ value: JSONValue) -> String {
            var text = ""
            for (key, member) in (value.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                var written = scalar(member)
                if key == "type" && CBV.measurementTypes.contains(written)
                    || key == "exception" && CBV.sensorAlertTypes.contains(written)
                {
                    used["gs1"] = EPCISJSONReader.standardPrefixes["gs1"]
                    written = "gs1:" + written
                }
                text += " \(qualified(key))=\"\(escaped(written))\""
            }
            return text
        }

        /// Members of a standard member that are extensions (namespaced names), as elements.
        mutating func extensions(of value: JSONValue, except: Set<String>) {
            for (key, member) in (value.object ?? [:]).sorted(by: { $0.key < $1.key }) where !except.contains(key) {
                extensionElement(key, member)
            }
        }

        /// An extension member as an element: a list is the element repeated, an object its children.
        mutating func extensionElement(_ key: String, _ value: JSONValue) {
            if key.hasPrefix("@") { return }
            let name = qualified(key)
            switch value {
            case .array(let items):
                for item in items { extensionElement(key, item) }
            case .object(let members):
                if let literal = members["@value"] {
                    element(name, scalar(literal))
                    return
                }
                body += "<\(name)>"
                if !members.isEmpty { body += "\n" }
                for child in members.keys.sorted() { extensionElement(child, members[child]!) }
                body += "</\(name)>\n"
            case .number, .bool:
                // XML text has no type: the schema type says what JSON-LD's literal was.
                used["xsi"] = EPCISXMLWriter.instanceNamespace
                used["xs"] = EPCISXMLWriter.schemaNamespace
                let type = if case .bool = value { "xs:boolean" } else { "xs:decimal" }
                element(name, scalar(value), attributes: [("xsi:type", type)])
            default:
                element(name, scalar(value))
            }
        }

        /// The XML name for a member name: `prefix:local` with the prefix declared, a full IRI split into a
        /// namespace and a local name, a plain name as it is.
        mutating func qualified(_ key: String) -> String {
            if key.hasPrefix("http://") || key.hasPrefix("https://") || key.hasPrefix("urn:") {
                let cut = key.lastIndex { $0 == "/" || $0 == "#" || $0 == ":" } ?? key.startIndex
                let iri = String(key[...cut])
                let local = String(key[key.index(after: cut)...])
                let prefix =
                    used.first { $0.value == iri }?.key ?? namespaces.first { $0.value == iri }?.key
                    ?? "ns\(used.count + 1)"
                used[prefix] = iri
                return "\(prefix):\(local)"
            }
            guard let colon = key.firstIndex(of: ":") else { return key }
            let prefix = String(key[..<colon])
            if let iri = namespaces[prefix] ?? EPCISJSONReader.standardPrefixes[prefix] { used[prefix] = iri }
            return key
        }
    }
}

/// Writes an EPCIS 2.0 document event by event: JSON-LD (``EPCISJSONWriter``) or XML (``EPCISXMLWriter``).
public protocol EPCISDocumentWriter {
    /// How many events were appended.
    var count: Int { get }
    /// The bytes before the first event.
    func begin() -> [UInt8]
    /// The bytes of one more event.
    mutating func append(_ fields: [String: JSONValue], namespaces: [String: String]) -> [UInt8]
    /// The bytes after the last event.
    func finish() -> [UInt8]
}

extension EPCISJSONWriter: EPCISDocumentWriter {}
