import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads an EPCIS 2.0 XML document (`EPCISDocument` or `EPCISQueryDocument`) event by event, turning each
/// event into the members its JSON form has — the same ``EPCISEvent`` an import of the JSON document makes,
/// checked by the same ``EPCISEventReader`` — so that the rest of Unitrace sees one event model.
///
/// Safe with untrusted documents: a document type declaration with anything in it (an internal subset,
/// entities, a `SYSTEM` or `PUBLIC` identifier) is refused before parsing, and the parser resolves no
/// external entity. A bare `<!DOCTYPE name>`, which declares nothing, is allowed.
public final class EPCISXMLReader: NSObject, XMLParserDelegate {
    /// An element of the event being read.
    final class Node {
        var name: String
        var attributes: [String: String]
        var text = ""
        var children: [Node] = []
        var line: Int

        init(name: String, attributes: [String: String], line: Int) {
            self.name = name
            self.attributes = attributes
            self.line = line
        }

        var local: String { name.split(separator: ":").last.map(String.init) ?? name }
        var isNamespaced: Bool { name.contains(":") }
        var value: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        func children(_ local: String) -> [Node] { children.filter { !$0.isNamespaced && $0.name == local } }
        func child(_ local: String) -> Node? { children.first { !$0.isNamespaced && $0.name == local } }
    }

    private var stack: [Node] = []
    private var depth = 0
    private var eventDepth: Int?
    private var namespaces: [String: String] = [:]
    private var documentType: String?
    private var sawBody = false
    private var events: [CapturedEvent] = []
    private var fault: EPCISFault?
    private var count = 0
    private weak var parser: XMLParser?

    static let eventNames: Set<String> = Set(EPCISEventType.allCases.map(\.rawValue))

    /// Checks the prolog of a document: the bytes before its root element.
    public static func checkProlog(_ bytes: ArraySlice<UInt8>) throws(EPCISFault) {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        guard let range = text.range(of: "<!DOCTYPE", options: .caseInsensitive) else { return }
        let rest = text[range.upperBound...]
        let end = rest.firstIndex(of: ">") ?? rest.endIndex
        let declaration = rest[..<end]
        let line = text[..<range.lowerBound].count { $0 == "\n" } + 1
        if declaration.contains("[") || declaration.contains("SYSTEM") || declaration.contains("PUBLIC") {
            throw EPCISFault(
                path: "line \(line)",
                message:
                    "the document declares a DTD or entities; Unitrace refuses them (write the document without <!DOCTYPE …>)"
            )
        }
        if text.range(of: "<!ENTITY", options: .caseInsensitive) != nil {
            throw EPCISFault(path: "line \(line)", message: "the document declares entities; Unitrace refuses them")
        }
    }

    /// Reads every event of a document, handing each to `each` in document order.
    /// - Parameter chunks: the document's bytes, chunk by chunk.
    public static func read(chunks: () throws -> [UInt8]?, each: (CapturedEvent) async throws -> Void) async throws {
        var bytes: [UInt8] = []
        while let chunk = try chunks(), !chunk.isEmpty { bytes += chunk }
        try checkProlog(bytes[...])
        let reader = EPCISXMLReader()
        let parser = XMLParser(data: Data(bytes))
        bytes = []
        reader.parser = parser
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let fault = reader.fault { throw fault }
        if !ok {
            let message = parser.parserError.map { "\($0.localizedDescription)" } ?? "the XML is malformed"
            throw EPCISFault(path: "line \(parser.lineNumber)", message: "not well-formed XML: \(message)")
        }
        guard reader.documentType != nil else {
            throw EPCISFault(
                path: "line 1", message: "the root element must be epcis:EPCISDocument or epcis:EPCISQueryDocument")
        }
        guard reader.sawBody else { throw EPCISFault(path: "line 1", message: "the document has no EPCISBody") }
        for event in reader.events { try await each(event) }
    }

    private func stop(_ fault: EPCISFault) {
        if self.fault == nil { self.fault = fault }
        parser?.abortParsing()
    }

    // MARK: XMLParserDelegate

    public func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        depth += 1
        for (key, value) in attributes where key.hasPrefix("xmlns:") {
            namespaces[String(key.dropFirst(6))] = value
        }
        if depth == 1 {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            guard local == "EPCISDocument" || local == "EPCISQueryDocument" else {
                stop(
                    EPCISFault(path: "line \(parser.lineNumber)", message: "'\(elementName)' is not an EPCIS document"))
                return
            }
            documentType = local
            guard attributes["schemaVersion"] != nil else {
                stop(EPCISFault(path: "line \(parser.lineNumber)", message: "the document needs a schemaVersion"))
                return
            }
            guard let created = attributes["creationDate"], (try? EPCISTime.parse(created)) != nil else {
                stop(EPCISFault(path: "line \(parser.lineNumber)", message: "the document needs a creationDate time"))
                return
            }
            return
        }
        if elementName == "EPCISBody" { sawBody = true }
        if eventDepth == nil, Self.eventNames.contains(elementName) {
            eventDepth = depth
        } else if eventDepth == nil {
            return
        }
        stack.append(Node(name: elementName, attributes: attributes, line: parser.lineNumber))
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    public func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        defer { depth -= 1 }
        guard let level = eventDepth, let node = stack.popLast() else { return }
        if depth == level {
            eventDepth = nil
            count += 1
            do {
                let fields = try Self.fields(ofEvent: node)
                var captured = try EPCISEventReader.read(
                    .object(fields), path: "line \(node.line) (event \(count))", namespaces: namespaces)
                captured.number = count
                events.append(captured)
            } catch let error as EPCISFault {
                stop(error)
            } catch {
                stop(EPCISFault(path: "line \(node.line)", message: "\(error)"))
            }
        } else {
            stack.last?.children.append(node)
        }
    }

    public func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        stop(
            EPCISFault(
                path: "line \(parser.lineNumber)", message: "the document declares entities; Unitrace refuses them"))
    }

    public func parser(
        _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?
    ) {
        stop(
            EPCISFault(
                path: "line \(parser.lineNumber)", message: "the document declares entities; Unitrace refuses them"))
    }

    public func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        stop(EPCISFault(path: "line \(parser.lineNumber)", message: "the document refers to an external entity"))
        return nil
    }

    // MARK: XML to the JSON form

    /// The CBV word a `urn:epcglobal:cbv:…:word` URN names (XML documents write CBV values as URNs, JSON as words).
    static func word(_ text: String) -> String {
        for prefix in [
            "urn:epcglobal:cbv:bizstep:", "urn:epcglobal:cbv:disp:", "urn:epcglobal:cbv:btt:", "urn:epcglobal:cbv:sdt:",
            "urn:epcglobal:cbv:er:",
        ] where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count))
        }
        return text
    }

    static let numericAttributes: Set<String> = [
        "value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue",
    ]

    static func number(_ text: String, line: Int, what: String) throws -> JSONValue {
        guard let value = JSONValue.number(parsing: text) else {
            throw EPCISFault(path: "line \(line)", message: "\(what) '\(Limits.quote(text))' is not a number")
        }
        return value
    }

    /// An extension element as JSON: its text, or an object of its children (a name repeated is a list).
    static func extensionValue(_ node: Node) -> JSONValue {
        guard !node.children.isEmpty else { return literal(node) }
        var members: [String: JSONValue] = [:]
        var order: [String] = []
        var grouped: [String: [JSONValue]] = [:]
        for child in node.children {
            if grouped[child.name] == nil { order.append(child.name) }
            grouped[child.name, default: []].append(extensionValue(child))
        }
        for name in order {
            let values = grouped[name]!
            members[name] = values.count == 1 ? values[0] : .array(values)
        }
        return .object(members)
    }

    /// The XML Schema types whose text is a JSON number.
    static let numericTypes: Set<String> = [
        "decimal", "integer", "int", "long", "short", "byte", "double", "float", "nonNegativeInteger",
        "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
        "unsignedByte",
    ]

    /// An extension element's text: a number or a boolean when its `xsi:type` says so, else a string.
    static func literal(_ node: Node) -> JSONValue {
        guard let type = node.attributes["xsi:type"].map({ $0.split(separator: ":").last.map(String.init) ?? $0 })
        else { return .string(node.value) }
        if numericTypes.contains(type), let number = JSONValue.number(parsing: node.value) { return number }
        if type == "boolean", ["true", "false", "1", "0"].contains(node.value) {
            return .bool(node.value == "true" || node.value == "1")
        }
        return .string(node.value)
    }

    /// Adds a node's namespaced children to `members`, as extensions.
    static func addExtensions(of node: Node, to members: inout [String: JSONValue]) {
        let extensions = Node(name: "", attributes: [:], line: node.line)
        extensions.children = node.children.filter(\.isNamespaced)
        if case .object(let found) = extensionValue(extensions), !extensions.children.isEmpty {
            for (key, value) in found { members[key] = value }
        }
    }

    static func fields(ofEvent event: Node) throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["type": .string(event.name)]
        // EPCIS 1.x wrappers (`extension`, `baseExtension`) are read as if their children were the event's own.
        var children: [Node] = []
        func flatten(_ nodes: [Node]) {
            for node in nodes {
                if !node.isNamespaced, node.name == "extension" || node.name == "baseExtension" {
                    flatten(node.children)
                } else {
                    children.append(node)
                }
            }
        }
        flatten(event.children)
        var certification: [JSONValue] = []
        for node in children {
            if node.isNamespaced {
                let value = extensionValue(node)
                if let existing = fields[node.name] {
                    fields[node.name] = .array((existing.array ?? [existing]) + [value])
                } else {
                    fields[node.name] = value
                }
                continue
            }
            switch node.name {
            case "eventTime", "eventTimeZoneOffset", "eventID", "recordTime", "action", "parentID", "transformationID":
                fields[node.name] = .string(node.value)
            case "bizStep", "disposition":
                fields[node.name] = .string(word(node.value))
            case "certificationInfo":
                certification.append(.string(node.value))
            case "epcList", "childEPCs", "inputEPCList", "outputEPCList":
                fields[node.name] = .array(node.children.map { .string($0.value) })
            case "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList":
                fields[node.name] = .array(
                    try node.children.map { element in
                        var quantity: [String: JSONValue] = [:]
                        if let epcClass = element.child("epcClass") { quantity["epcClass"] = .string(epcClass.value) }
                        if let amount = element.child("quantity") {
                            quantity["quantity"] = try number(amount.value, line: amount.line, what: "quantity")
                        }
                        if let uom = element.child("uom") { quantity["uom"] = .string(uom.value) }
                        return .object(quantity)
                    })
            case "readPoint", "bizLocation":
                var place: [String: JSONValue] = [:]
                if let id = node.child("id") { place["id"] = .string(id.value) }
                addExtensions(of: node, to: &place)
                fields[node.name] = .object(place)
            case "bizTransactionList":
                fields[node.name] = .array(
                    node.children.map { entry in
                        var members: [String: JSONValue] = ["bizTransaction": .string(entry.value)]
                        if let type = entry.attributes["type"] { members["type"] = .string(word(type)) }
                        return .object(members)
                    })
            case "sourceList", "destinationList":
                let key = node.name == "sourceList" ? "source" : "destination"
                fields[node.name] = .array(
                    node.children.map { entry in
                        var members: [String: JSONValue] = [key: .string(entry.value)]
                        if let type = entry.attributes["type"] { members["type"] = .string(word(type)) }
                        return .object(members)
                    })
            case "persistentDisposition":
                var members: [String: JSONValue] = [:]
                for name in ["set", "unset"] {
                    let values = node.children(name).map { JSONValue.string(word($0.value)) }
                    if !values.isEmpty { members[name] = .array(values) }
                }
                fields[node.name] = .object(members)
            case "errorDeclaration":
                var members: [String: JSONValue] = [:]
                if let time = node.child("declarationTime") { members["declarationTime"] = .string(time.value) }
                if let reason = node.child("reason") { members["reason"] = .string(word(reason.value)) }
                if let ids = node.child("correctiveEventIDs") {
                    members["correctiveEventIDs"] = .array(ids.children.map { .string($0.value) })
                }
                addExtensions(of: node, to: &members)
                fields[node.name] = .object(members)
            case "ilmd":
                var members: [String: JSONValue] = [:]
                addExtensions(of: node, to: &members)
                fields[node.name] = .object(members)
            case "sensorElementList":
                fields[node.name] = .array(try node.children.map(sensorElement))
            default:
                throw EPCISFault(
                    path: "line \(node.line)", message: "'\(node.name)' is not a member of \(event.name)")
            }
        }
        if !certification.isEmpty {
            fields["certificationInfo"] = certification.count == 1 ? certification[0] : .array(certification)
        }
        return fields
    }

    static func sensorElement(_ node: Node) throws -> JSONValue {
        func attributes(_ element: Node) throws -> [String: JSONValue] {
            var members: [String: JSONValue] = [:]
            for (key, text) in element.attributes where !key.hasPrefix("xmlns") {
                if numericAttributes.contains(key) {
                    members[key] = try number(text, line: element.line, what: key)
                } else if key == "booleanValue" {
                    members[key] = .bool(text == "true" || text == "1")
                } else if key == "type", text.hasPrefix("gs1:"),
                    CBV.measurementTypes.contains(String(text.dropFirst(4)))
                {
                    // A measurement type of GS1's vocabulary is a bare word in JSON; any other stays as written.
                    members[key] = .string(String(text.dropFirst(4)))
                } else if key == "exception", text.hasPrefix("gs1:"),
                    CBV.sensorAlertTypes.contains(String(text.dropFirst(4)))
                {
                    members[key] = .string(String(text.dropFirst(4)))
                } else {
                    members[key] = .string(text)
                }
            }
            return members
        }
        var members: [String: JSONValue] = [:]
        if let metadata = node.child("sensorMetadata") { members["sensorMetadata"] = .object(try attributes(metadata)) }
        members["sensorReport"] = .array(try node.children("sensorReport").map { .object(try attributes($0)) })
        addExtensions(of: node, to: &members)
        return .object(members)
    }
}
