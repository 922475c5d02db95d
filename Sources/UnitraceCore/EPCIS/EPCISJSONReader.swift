/// Reads an EPCIS 2.0 document in JSON or JSON-LD — an `EPCISDocument` or an `EPCISQueryDocument` — one
/// event at a time, so that memory stays flat however many events it holds.
///
/// The `@context` may come after the events (JSON objects have no order): then the reader first skims the
/// document for it, which is why it asks for a way to read the document again.
public struct EPCISJSONReader {
    /// What the document said about itself.
    public struct Header: Hashable, Sendable {
        public var type: String?
        public var schemaVersion: String?
        public var creationDate: String?
        /// Prefix → namespace, from the document's `@context`.
        public var namespaces: [String: String] = [:]
        /// Whether the context names the EPCIS 2.0 context document.
        public var hasEPCISContext = false
    }

    public static let documentMembers: Set<String> = [
        "@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier", "sender", "receiver",
        "epcisHeader", "epcisBody",
    ]

    /// Reads every event, handing each to `each` in document order, then checks the document's own members.
    /// - Parameter reopen: a fresh stream over the same bytes, used only when `@context` follows the events.
    /// - Throws: ``EPCISFault`` for the first fault (a JSON syntax fault names its line), or what `each` throws.
    @discardableResult
    public static func read(
        _ stream: inout JSONStream, reopen: () throws -> JSONStream, each: (CapturedEvent) async throws -> Void
    ) async throws -> Header {
        var header = Header()
        var contextRead = false
        var sawBody = false
        do {
            try stream.beginObject()
            while let key = try stream.nextKey() {
                switch key {
                case "@context":
                    header.namespaces = try namespaces(of: stream.value(), header: &header)
                    contextRead = true
                case "type":
                    header.type = try stream.value().string
                    try checkType(header.type)
                case "schemaVersion":
                    header.schemaVersion = try stream.value().string
                case "creationDate":
                    header.creationDate = try stream.value().string
                case "epcisBody":
                    if !contextRead {
                        var skim = try reopen()
                        header.namespaces = try skimContext(&skim, header: &header)
                        contextRead = true
                    }
                    sawBody = true
                    try await body(&stream, namespaces: header.namespaces, each: each)
                default:
                    guard documentMembers.contains(key) || EPCISEventReader.isNamespaced(key) else {
                        throw EPCISFault(
                            path: "$.\(key)", message: "'\(Limits.quote(key))' is not a member of an EPCIS document")
                    }
                    try stream.skipValue()
                }
            }
            try stream.end()
        } catch let failure as JSONStream.Failure {
            throw EPCISFault(path: "line \(failure.line)", message: failure.message)
        }
        guard let type = header.type else {
            throw EPCISFault(path: "$.type", message: "the document needs a type (EPCISDocument)")
        }
        try checkType(type)
        guard contextRead else { throw EPCISFault(path: "$.@context", message: "the document needs an @context") }
        guard header.schemaVersion != nil else {
            throw EPCISFault(path: "$.schemaVersion", message: "the document needs a schemaVersion (2.0)")
        }
        guard let created = header.creationDate, (try? EPCISTime.parse(created)) != nil else {
            throw EPCISFault(path: "$.creationDate", message: "the document needs a creationDate time")
        }
        guard sawBody else { throw EPCISFault(path: "$.epcisBody", message: "the document has no epcisBody") }
        return header
    }

    private static func checkType(_ type: String?) throws {
        guard let type else { return }
        guard type == "EPCISDocument" || type == "EPCISQueryDocument" else {
            throw EPCISFault(
                path: "$.type", message: "'\(Limits.quote(type))' is not EPCISDocument or EPCISQueryDocument")
        }
    }

    private static func body(
        _ stream: inout JSONStream, namespaces: [String: String], each: (CapturedEvent) async throws -> Void
    ) async throws {
        try stream.beginObject()
        var sawList = false
        while let key = try stream.nextKey() {
            switch key {
            case "eventList":
                sawList = true
                try await events(&stream, path: "$.epcisBody.eventList", namespaces: namespaces, each: each)
            case "queryResults":
                sawList = true
                try stream.beginObject()
                while let member = try stream.nextKey() {
                    guard member == "resultsBody" else {
                        try stream.skipValue()
                        continue
                    }
                    try stream.beginObject()
                    while let inner = try stream.nextKey() {
                        if inner == "eventList" {
                            try await events(
                                &stream, path: "$.epcisBody.queryResults.resultsBody.eventList",
                                namespaces: namespaces, each: each)
                        } else {
                            try stream.skipValue()
                        }
                    }
                }
            default:
                try stream.skipValue()
            }
        }
        guard sawList else { throw EPCISFault(path: "$.epcisBody.eventList", message: "the body has no eventList") }
    }

    private static func events(
        _ stream: inout JSONStream, path: String, namespaces: [String: String],
        each: (CapturedEvent) async throws -> Void
    ) async throws {
        try stream.beginArray()
        var index = 0
        while try stream.nextElement() {
            let value = try stream.value()
            var captured = try EPCISEventReader.read(value, path: "\(path)[\(index)]", namespaces: namespaces)
            index += 1
            captured.number = index
            try await each(captured)
        }
    }

    private static func skimContext(_ stream: inout JSONStream, header: inout Header) throws -> [String: String] {
        try stream.beginObject()
        while let key = try stream.nextKey() {
            if key == "@context" { return try namespaces(of: stream.value(), header: &header) }
            try stream.skipValue()
        }
        throw EPCISFault(path: "$.@context", message: "the document needs an @context")
    }

    /// The prefixes GS1's EPCIS 2.0 context defines, which every document has.
    public static let standardPrefixes: [String: String] = [
        "epcis": "https://ref.gs1.org/epcis/", "cbv": "https://ref.gs1.org/cbv/", "cbvmda": "urn:epcglobal:cbv:mda:",
        "gs1": "https://gs1.org/voc/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
    ]

    /// The prefixes a JSON-LD context defines (string members of its objects, or their `@id`), over those of
    /// the standard context.
    static func namespaces(of context: JSONValue, header: inout Header) throws -> [String: String] {
        var result = standardPrefixes
        let items = context.array ?? [context]
        for item in items {
            switch item {
            case .string(let url):
                if url.hasPrefix("https://ref.gs1.org/standards/epcis/") { header.hasEPCISContext = true }
            case .object(let members):
                for (prefix, value) in members {
                    if let iri = value.string ?? value["@id"]?.string { result[prefix] = iri }
                }
            default:
                throw EPCISFault(path: "$.@context", message: "a context entry must be a URL or an object")
            }
        }
        return result
    }
}
