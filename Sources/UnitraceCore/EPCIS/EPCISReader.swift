/// A fault in an EPCIS document: where (a JSON path such as `$.epcisBody.eventList[3].action`, or an XML
/// line) and what.
public struct EPCISFault: Error, Hashable, Sendable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

extension EPCISFault: CustomStringConvertible {
    public var description: String { "\(path): \(message)" }
}

/// One event read from a document: the event as captured, and its time.
public struct CapturedEvent: Hashable, Sendable {
    public var event: EPCISEvent
    public var eventTime: Timestamp
    /// Where the event is in its document (`$.epcisBody.eventList[3]`).
    public var path: String
    /// Its place in the document, from 1.
    public var number: Int = 0
}

/// Checks one EPCIS 2.0 event, as a JSON object, against the standard: its type, the types of the
/// standard's members, the CBV words, and that every other member is a namespaced extension. The rules are
/// those of GS1's JSON Schema, so that what passes here validates there.
public enum EPCISEventReader {
    public static func read(_ value: JSONValue, path: String, namespaces: [String: String]) throws(EPCISFault)
        -> CapturedEvent
    {
        guard var fields = value.object else { throw EPCISFault(path: path, message: "an event must be an object") }
        func fault(_ member: String, _ message: String) -> EPCISFault {
            EPCISFault(path: "\(path).\(member)", message: message)
        }
        guard let typeName = fields["type"]?.string else {
            throw fault("type", "every event needs a type (ObjectEvent, AggregationEvent, …)")
        }
        guard let type = EPCISEventType(rawValue: typeName) else {
            throw fault(
                "type",
                "'\(Limits.quote(typeName))' is not an EPCIS event type; use one of "
                    + EPCISEventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let timeText = fields["eventTime"]?.string else {
            throw fault("eventTime", "every event needs an eventTime")
        }
        let eventTime: Timestamp
        do { eventTime = try EPCISTime.parse(timeText) } catch { throw fault("eventTime", error.message) }
        guard let offset = fields["eventTimeZoneOffset"]?.string else {
            throw fault("eventTimeZoneOffset", "every event needs an eventTimeZoneOffset such as +01:00")
        }
        guard EPCISTime.offsetSeconds(offset) != nil else {
            throw fault(
                "eventTimeZoneOffset", "'\(Limits.quote(offset))' must be written ±HH:MM, from -14:00 to +14:00")
        }
        if let record = fields["recordTime"] {
            guard let text = record.string, (try? EPCISTime.parse(text)) != nil else {
                throw fault("recordTime", "must be a time such as 2026-11-27T14:03:00.000+01:00")
            }
            fields["recordTime"] = nil
        }
        fields["@context"] = nil

        let allowed = EPCISEventType.commonMembers.union(type.members)
        for key in fields.keys.sorted() where !allowed.contains(key) {
            guard isNamespaced(key) else {
                throw fault(
                    key, "'\(Limits.quote(key))' is not a member of \(typeName); an extension needs a namespace prefix")
            }
        }
        if type != .transformation {
            guard let action = fields["action"]?.string else { throw fault("action", "\(typeName) needs an action") }
            guard EPCISAction(rawValue: action) != nil else {
                throw fault("action", "'\(Limits.quote(action))' must be ADD, OBSERVE or DELETE")
            }
        }
        try uri(fields["eventID"], fault: fault("eventID", "must be a URI"))
        try uri(fields["parentID"], fault: fault("parentID", "must be a URI"))
        try uri(fields["transformationID"], fault: fault("transformationID", "must be a URI"))
        if let certification = fields["certificationInfo"] {
            if let items = certification.array {
                for (index, item) in items.enumerated() {
                    try uri(item, fault: fault("certificationInfo[\(index)]", "must be a URI"))
                }
            } else {
                try uri(certification, fault: fault("certificationInfo", "must be a URI or a list of URIs"))
            }
        }
        for name in type.epcLists {
            guard let list = fields[name] else { continue }
            try uriList(list, path: "\(path).\(name)")
        }
        for name in type.quantityLists {
            guard let list = fields[name] else { continue }
            try quantityList(list, path: "\(path).\(name)")
        }
        try vocabulary(fields["bizStep"], words: CBV.businessSteps, path: "\(path).bizStep", what: "business step")
        try vocabulary(fields["disposition"], words: CBV.dispositions, path: "\(path).disposition", what: "disposition")
        if let persistent = fields["persistentDisposition"] {
            let here = "\(path).persistentDisposition"
            guard let members = persistent.object, !members.isEmpty else {
                throw EPCISFault(path: here, message: "must be an object with set and/or unset")
            }
            for (key, list) in members {
                guard key == "set" || key == "unset" else {
                    throw EPCISFault(path: "\(here).\(key)", message: "only set and unset are allowed")
                }
                guard let items = list.array, !items.isEmpty else {
                    throw EPCISFault(path: "\(here).\(key)", message: "must be a non-empty list of dispositions")
                }
                for (index, item) in items.enumerated() {
                    try vocabulary(item, words: CBV.dispositions, path: "\(here).\(key)[\(index)]", what: "disposition")
                }
            }
        }
        for name in ["readPoint", "bizLocation"] {
            guard let place = fields[name] else { continue }
            guard let members = place.object, let id = members["id"] else {
                throw fault(name, "must be an object with an id")
            }
            try uri(id, fault: fault("\(name).id", "must be a URI"))
            for key in members.keys where key != "id" && !isNamespaced(key) {
                throw fault("\(name).\(key)", "'\(Limits.quote(key))' is not a member of \(name)")
            }
        }
        if let list = fields["bizTransactionList"] {
            try entries(
                list, path: "\(path).bizTransactionList", idKey: "bizTransaction", typeRequired: false,
                types: CBV.businessTransactionTypes)
        }
        if let list = fields["sourceList"] {
            try entries(
                list, path: "\(path).sourceList", idKey: "source", typeRequired: true,
                types: CBV.sourceDestinationTypes)
        }
        if let list = fields["destinationList"] {
            try entries(
                list, path: "\(path).destinationList", idKey: "destination", typeRequired: true,
                types: CBV.sourceDestinationTypes)
        }
        if let list = fields["sensorElementList"] {
            let here = "\(path).sensorElementList"
            guard let items = list.array else { throw EPCISFault(path: here, message: "must be a list") }
            for (index, item) in items.enumerated() {
                guard let members = item.object, let reports = members["sensorReport"]?.array else {
                    throw EPCISFault(path: "\(here)[\(index)]", message: "a sensor element needs a sensorReport list")
                }
                for key in members.keys where key != "sensorMetadata" && key != "sensorReport" && !isNamespaced(key) {
                    throw EPCISFault(
                        path: "\(here)[\(index)].\(key)",
                        message: "'\(Limits.quote(key))' is not a member of a sensor element")
                }
                for (reportIndex, report) in reports.enumerated() where report.object == nil {
                    throw EPCISFault(
                        path: "\(here)[\(index)].sensorReport[\(reportIndex)]", message: "must be an object")
                }
            }
        }
        if let ilmd = fields["ilmd"] {
            guard let members = ilmd.object else { throw fault("ilmd", "must be an object") }
            for key in members.keys where !isNamespaced(key) {
                throw fault("ilmd.\(key)", "'\(Limits.quote(key))' needs a namespace prefix")
            }
        }
        if let declaration = fields["errorDeclaration"] {
            let here = "\(path).errorDeclaration"
            guard let members = declaration.object else { throw EPCISFault(path: here, message: "must be an object") }
            guard let time = members["declarationTime"]?.string, (try? EPCISTime.parse(time)) != nil else {
                throw EPCISFault(
                    path: "\(here).declarationTime", message: "an error declaration needs a declarationTime")
            }
            try vocabulary(members["reason"], words: CBV.errorReasons, path: "\(here).reason", what: "error reason")
            if let ids = members["correctiveEventIDs"] { try uriList(ids, path: "\(here).correctiveEventIDs") }
            for key in members.keys
            where !["declarationTime", "reason", "correctiveEventIDs"].contains(key) && !isNamespaced(key) {
                throw EPCISFault(
                    path: "\(here).\(key)", message: "'\(Limits.quote(key))' is not a member of an error declaration")
            }
        }

        var used: [String: String] = [:]
        collectPrefixes(.object(fields), namespaces: namespaces, into: &used)
        return CapturedEvent(event: EPCISEvent(fields: fields, namespaces: used), eventTime: eventTime, path: path)
    }

    /// `prefix:name` or an absolute IRI: the form of every member the standard does not define.
    static func isNamespaced(_ key: String) -> Bool {
        guard let colon = key.firstIndex(of: ":"), colon != key.startIndex else { return false }
        return key[key.index(after: colon)...].isEmpty == false
    }

    /// A URI as JSON Schema's `format: uri` reads it: a scheme, a colon, and no white space.
    static func isURI(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, (65...90).contains(first) || (97...122).contains(first) else { return false }
        var index = 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { break }
            let ok =
                (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard ok else { return false }
            index += 1
        }
        guard index < bytes.count - 1 else { return false }
        return !bytes.contains {
            $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
        }
    }

    private static func uri(_ value: JSONValue?, fault: @autoclosure () -> EPCISFault) throws(EPCISFault) {
        guard let value else { return }
        guard let text = value.string, isURI(text) else { throw fault() }
    }

    private static func uriList(_ list: JSONValue, path: String) throws(EPCISFault) {
        guard let items = list.array else { throw EPCISFault(path: path, message: "must be a list of URIs") }
        var seen = Set<String>()
        for (index, item) in items.enumerated() {
            guard let text = item.string, isURI(text) else {
                throw EPCISFault(path: "\(path)[\(index)]", message: "must be a URI such as urn:epc:id:sgtin:…")
            }
            guard seen.insert(text).inserted else {
                throw EPCISFault(path: "\(path)[\(index)]", message: "'\(Limits.quote(text))' is listed twice")
            }
        }
    }

    private static func quantityList(_ list: JSONValue, path: String) throws(EPCISFault) {
        guard let items = list.array else { throw EPCISFault(path: path, message: "must be a list of quantities") }
        for (index, item) in items.enumerated() {
            let here = "\(path)[\(index)]"
            guard let members = item.object else { throw EPCISFault(path: here, message: "must be an object") }
            guard let epcClass = members["epcClass"]?.string, isURI(epcClass) else {
                throw EPCISFault(path: "\(here).epcClass", message: "a quantity needs an epcClass URI")
            }
            if let quantity = members["quantity"] {
                guard case .number = quantity else {
                    throw EPCISFault(path: "\(here).quantity", message: "must be a number")
                }
            }
            if let uom = members["uom"] {
                guard let code = uom.string, (2...3).contains(code.utf8.count),
                    code.utf8.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) })
                else {
                    throw EPCISFault(path: "\(here).uom", message: "must be a UN/ECE unit code such as KGM or EA")
                }
            }
            for key in members.keys where !["epcClass", "quantity", "uom"].contains(key) {
                throw EPCISFault(
                    path: "\(here).\(key)", message: "'\(Limits.quote(key))' is not a member of a quantity")
            }
        }
    }

    private static func vocabulary(_ value: JSONValue?, words: Set<String>, path: String, what: String)
        throws(EPCISFault)
    {
        guard let value else { return }
        guard let text = value.string else { throw EPCISFault(path: path, message: "must be a CBV \(what) or a URI") }
        if words.contains(text) { return }
        if text.hasPrefix("urn:epcglobal:cbv") || text.hasPrefix("http://ns.gs1.org/cbv/")
            || text.hasPrefix("https://ns.gs1.org/cbv/")
        {
            throw EPCISFault(path: path, message: "write the CBV \(what) as its bare word, not '\(Limits.quote(text))'")
        }
        guard isURI(text) else {
            throw EPCISFault(path: path, message: "'\(Limits.quote(text))' is neither a CBV \(what) nor a URI")
        }
    }

    private static func entries(
        _ list: JSONValue, path: String, idKey: String, typeRequired: Bool, types: Set<String>
    ) throws(EPCISFault) {
        guard let items = list.array else { throw EPCISFault(path: path, message: "must be a list") }
        for (index, item) in items.enumerated() {
            let here = "\(path)[\(index)]"
            guard let members = item.object else { throw EPCISFault(path: here, message: "must be an object") }
            guard let id = members[idKey]?.string, isURI(id) else {
                throw EPCISFault(path: "\(here).\(idKey)", message: "needs a \(idKey) URI")
            }
            if typeRequired, members["type"] == nil {
                throw EPCISFault(path: "\(here).type", message: "needs a type")
            }
            try vocabulary(members["type"], words: types, path: "\(here).type", what: "type")
            for key in members.keys where key != "type" && key != idKey {
                throw EPCISFault(path: "\(here).\(key)", message: "'\(Limits.quote(key))' is not allowed here")
            }
        }
    }

    /// The namespaces of the prefixes that member names use, at any depth, and those of compact URIs among
    /// the values (`example:x`), but for the standard context's own.
    static func collectPrefixes(_ value: JSONValue, namespaces: [String: String], into used: inout [String: String]) {
        switch value {
        case .string(let text):
            if let colon = text.firstIndex(of: ":") {
                let prefix = String(text[..<colon])
                if let iri = namespaces[prefix], EPCISJSONReader.standardPrefixes[prefix] != iri { used[prefix] = iri }
            }
        case .object(let members):
            for (key, member) in members {
                if let colon = key.firstIndex(of: ":") {
                    let prefix = String(key[..<colon])
                    if let iri = namespaces[prefix] { used[prefix] = iri }
                }
                collectPrefixes(member, namespaces: namespaces, into: &used)
            }
        case .array(let items):
            for item in items { collectPrefixes(item, namespaces: namespaces, into: &used) }
        default:
            break
        }
    }
}

/// EPCIS times: ISO 8601 with an offset, any number of fraction digits (kept to the millisecond).
public enum EPCISTime {
    public static func parse(_ text: String) throws(InputError) -> Timestamp {
        // Fractions beyond milliseconds are cut to three digits; the instant keeps millisecond precision.
        var trimmed = text
        if let dot = text.firstIndex(of: ".") {
            let after = text[text.index(after: dot)...]
            let digits = after.prefix { $0.isASCII && $0.isNumber }
            if digits.count > 3 {
                trimmed = String(text[..<dot]) + "." + digits.prefix(3) + after.dropFirst(digits.count)
            }
        }
        return try Timestamp(iso8601: trimmed)
    }

    /// `+01:00` → 3600; `nil` when it is not ±HH:MM within ±14:00.
    public static func offsetSeconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[3] == UInt8(ascii: ":")
        else { return nil }
        let digits = [bytes[1], bytes[2], bytes[4], bytes[5]]
        guard digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let hours = Int(digits[0] - 48) * 10 + Int(digits[1] - 48)
        let minutes = Int(digits[2] - 48) * 10 + Int(digits[3] - 48)
        guard minutes < 60, hours < 14 || (hours == 14 && minutes == 0) else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}
