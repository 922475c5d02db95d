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
    /// Lines of the document before the fragment being parsed.
    private var lineOffset = 0
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

    /// Reads every event of a document, handing each to `each` in document order, in flat memory: the
    /// document is cut into its events at the byte level (tags, comments, CDATA sections and processing
    /// instructions are recognised, so a `<` in any of them does not cut), and each event is parsed on its
    /// own, inside the start tags of the elements around it, so its namespaces and line numbers are those of
    /// the whole document.
    /// - Parameter chunks: the document's bytes, chunk by chunk.
    public static func read(chunks: () throws -> [UInt8]?, each: (CapturedEvent) async throws -> Void) async throws {
        var buffer: [UInt8] = []
        var ended = false
        /// Appends the next chunk; `false` at the end of the document.
        func more() throws -> Bool {
            guard !ended, let chunk = try chunks(), !chunk.isEmpty else {
                ended = true
                return false
            }
            buffer += chunk
            return true
        }
        while buffer.count < 4096, try more() {}
        try checkProlog(buffer[...])

        var position = 0
        /// The line of the document that `buffer[mark.index]` is on; moved forward as the scan goes, so that
        /// lines are counted once.
        var mark = (index: 0, line: 1)
        func line(at index: Int) -> Int {
            if index >= mark.index {
                mark.line += buffer[mark.index..<index].count { $0 == 0x0A }
                mark.index = index
                return mark.line
            }
            return mark.line - buffer[index..<mark.index].count { $0 == 0x0A }
        }
        /// Drops the bytes before `position`, which the scan is done with.
        func compact() {
            _ = line(at: position)
            buffer.removeSubrange(..<position)
            mark.index = 0
            position = 0
        }
        /// The first index of `pattern` at or after `start`, reading more of the document as needed.
        func find(_ pattern: [UInt8], from start: Int, inside what: String, at open: Int) throws -> Int {
            var from = start
            while true {
                if buffer.count >= pattern.count, from <= buffer.count - pattern.count {
                    var index = from
                    let last = buffer.count - pattern.count
                    while index <= last {
                        if buffer[index] == pattern[0], buffer[index..<index + pattern.count].elementsEqual(pattern) {
                            return index
                        }
                        index += 1
                    }
                    from = last + 1
                }
                guard try more() else {
                    throw EPCISFault(path: "line \(line(at: open))", message: "the document ends inside \(what)")
                }
            }
        }
        /// The index of the `>` that ends the tag opened at `open`, past any quoted attribute value.
        func tagEnd(_ open: Int) throws -> Int {
            var index = open + 1
            var quote: UInt8?
            while true {
                while index < buffer.count {
                    let byte = buffer[index]
                    if let open = quote {
                        if byte == open { quote = nil }
                    } else if byte == 0x22 || byte == 0x27 {
                        quote = byte
                    } else if byte == 0x3E {
                        return index
                    }
                    index += 1
                }
                guard try more() else {
                    throw EPCISFault(path: "line \(line(at: open))", message: "the document ends inside a tag")
                }
            }
        }
        func name(_ start: Int, _ end: Int) -> String {
            var stop = start
            while stop < end, ![0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E].contains(buffer[stop]) { stop += 1 }
            return String(decoding: buffer[start..<stop], as: UTF8.self)
        }
        func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

        /// The open elements around the next event, as their start tags (newlines made spaces).
        var ancestors: [(name: String, tag: [UInt8])] = []
        var event: (start: Int, line: Int, depth: Int)?
        var sawRoot = false
        var sawBody = false
        var count = 0
        func handle(eventEndingAt end: Int) async throws {
            guard let open = event else { return }
            var fragment: [UInt8] = []
            for ancestor in ancestors { fragment += ancestor.tag }
            fragment += buffer[open.start...end]
            for ancestor in ancestors.reversed() { fragment += Array("</\(ancestor.name)>".utf8) }
            let found = try parse(fragment, lineOffset: open.line - 1, number: count + 1)
            for captured in found {
                count += 1
                try await each(captured)
            }
            event = nil
        }

        while true {
            if event == nil, position > max(1 << 16, buffer.count / 2) { compact() }
            guard let open = buffer[position...].firstIndex(of: 0x3C) else {
                position = buffer.count
                if event == nil { compact() }
                guard try more() else { break }
                continue
            }
            while buffer.count < open + 9, try more() {}
            let head = buffer[open..<min(open + 9, buffer.count)]
            if head.starts(with: Array("<!--".utf8)) {
                position = try find(Array("-->".utf8), from: open + 4, inside: "a comment", at: open) + 3
            } else if head.starts(with: Array("<![CDATA[".utf8)) {
                position = try find(Array("]]>".utf8), from: open + 9, inside: "a CDATA section", at: open) + 3
            } else if head.starts(with: Array("<?".utf8)) {
                position = try find(Array("?>".utf8), from: open + 2, inside: "a processing instruction", at: open) + 2
            } else if head.starts(with: Array("<!".utf8)) {
                position = try tagEnd(open) + 1
            } else if head.starts(with: Array("</".utf8)) {
                let end = try tagEnd(open)
                let closed = name(open + 2, end)
                position = end + 1
                if var current = event {
                    current.depth -= 1
                    event = current
                    if current.depth == 0 { try await handle(eventEndingAt: end) }
                } else {
                    guard let last = ancestors.popLast(), last.name == closed else {
                        throw EPCISFault(
                            path: "line \(line(at: open))",
                            message: "not well-formed XML: </\(closed)> closes no open element")
                    }
                }
            } else {
                let end = try tagEnd(open)
                let opened = name(open + 1, end)
                let empty = buffer[end - 1] == 0x2F
                position = end + 1
                if var current = event {
                    if !empty { current.depth += 1 }
                    event = current
                } else if sawRoot, ancestors.isEmpty {
                    throw EPCISFault(
                        path: "line \(line(at: open))",
                        message: "not well-formed XML: <\(opened)> stands after the root element")
                } else if sawRoot, eventNames.contains(opened) {
                    event = (open, line(at: open), 1)
                    if empty { try await handle(eventEndingAt: end) }
                } else {
                    let tag = Array(buffer[open...end]).map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
                    if !sawRoot {
                        sawRoot = true
                        // The root's own checks (its name, schemaVersion, creationDate), before any event.
                        let closedRoot = empty ? tag : tag + Array("</\(opened)>".utf8)
                        _ = try parse(closedRoot, lineOffset: line(at: open) - 1, number: 1)
                    }
                    if local(opened) == "EPCISBody" { sawBody = true }
                    if !empty { ancestors.append((opened, tag)) }
                }
            }
        }
        if event != nil {
            throw EPCISFault(path: "line \(line(at: buffer.count))", message: "the document ends inside an event")
        }
        guard sawRoot else {
            throw EPCISFault(
                path: "line 1", message: "the root element must be epcis:EPCISDocument or epcis:EPCISQueryDocument")
        }
        if let open = ancestors.last {
            throw EPCISFault(
                path: "line \(line(at: buffer.count))", message: "not well-formed XML: <\(open.name)> is never closed")
        }
        guard sawBody else { throw EPCISFault(path: "line 1", message: "the document has no EPCISBody") }
    }

    /// Parses one fragment: the root's start tag alone, or an event inside the start tags around it.
    static func parse(_ fragment: [UInt8], lineOffset: Int, number: Int) throws -> [CapturedEvent] {
        let reader = EPCISXMLReader()
        reader.lineOffset = lineOffset
        reader.count = number - 1
        let parser = XMLParser(data: Data(fragment))
        reader.parser = parser
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let fault = reader.fault { throw fault }
        if !ok {
            let message = parser.parserError.map { "\($0.localizedDescription)" } ?? "the XML is malformed"
            throw EPCISFault(path: "line \(parser.lineNumber + lineOffset)", message: "not well-formed XML: \(message)")
        }
        return reader.events
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
                    EPCISFault(
                        path: "line \((parser.lineNumber + lineOffset))",
                        message: "'\(elementName)' is not an EPCIS document"))
                return
            }
            documentType = local
            guard attributes["schemaVersion"] != nil else {
                stop(
                    EPCISFault(
                        path: "line \((parser.lineNumber + lineOffset))", message: "the document needs a schemaVersion")
                )
                return
            }
            guard let created = attributes["creationDate"], (try? EPCISTime.parse(created)) != nil else {
                stop(
                    EPCISFault(
                        path: "line \((parser.lineNumber + lineOffset))",
                        message: "the document needs a creationDate time"))
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
        stack.append(Node(name: elementName, attributes: attributes, line: (parser.lineNumber + lineOffset)))
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    /// A CDATA section is text, written so that `<` and `&` need no escaping.
    public func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
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
                path: "line \((parser.lineNumber + lineOffset))",
                message: "the document declares entities; Unitrace refuses them"))
    }

    public func parser(
        _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?
    ) {
        stop(
            EPCISFault(
                path: "line \((parser.lineNumber + lineOffset))",
                message: "the document declares entities; Unitrace refuses them"))
    }

    public func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        stop(
            EPCISFault(
                path: "line \((parser.lineNumber + lineOffset))", message: "the document refers to an external entity"))
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
