import Crypto
import Foundation

/// The CBV 2.0 event hash: an ID intrinsic to an EPCIS event (`ni:///sha-256;…?ver=CBV2.0`), the same for
/// every serialisation of the event, that partners compute independently and compare.
///
/// The event is written as a *pre-hash string*: its members in the canonical order, each `name=value`, lists
/// sorted, values in one canonical spelling (times in UTC to the millisecond, CBV words and URNs as their
/// `https://ref.gs1.org/cbv/…` URIs, EPC URIs and Digital Links as canonical `https://id.gs1.org/…` Digital
/// Links, numbers without trailing zeros, extension names as `{namespace}local`), then hashed with SHA-256.
/// `recordTime`, `eventID` and `errorDeclaration` are left out, so an error declaration has the hash of the
/// event it declares wrong, as the standard wants.
///
/// The member order and the spellings are those of GS1's reference generator, so that a partner's check
/// with it agrees; where that generator gives the JSON and XML forms of one event different strings (a
/// JSON boolean written `True`, the `cbvmda:` prefix of ILMD left unexpanded, `xsi:type` annotations
/// counted as data), the written rule is followed and both forms hash alike. docs/epcis.md lists these.
public enum EPCISEventHash {
    /// The event's hash ID.
    public static func id(of event: EPCISEvent) -> String {
        let digest = SHA256.hash(data: Data(preHash(of: event).utf8))
        return "ni:///sha-256;" + digest.map { String(format: "%02x", $0) }.joined() + "?ver=CBV2.0"
    }

    /// The pre-hash string the ID is the digest of.
    public static func preHash(of event: EPCISEvent) -> String {
        Writer(namespaces: event.namespaces).event(event.fields)
    }

    /// The members written first, in this order; every other member follows, each written whole, the
    /// results sorted.
    static let ordered = [
        "eventTime", "eventTimeZoneOffset", "certificationInfo", "parentID", "epcList", "inputEPCList", "childEPCs",
        "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList", "outputQuantityList", "action",
        "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
        "sensorElementList",
    ]
    static let left = Set(["type", "eventID", "recordTime", "errorDeclaration"])
    static let epcLists = Set(["epcList", "inputEPCList", "childEPCs", "outputEPCList"])
    static let quantityLists = Set(["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"])
    static let metadataOrder = [
        "time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules",
    ]
    static let reportOrder = [
        "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time", "microorganism",
        "chemicalSubstance", "value", "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue",
        "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem",
    ]
    /// Where a bare CBV word of a member stands for `https://ref.gs1.org/cbv/<kind>-<word>`.
    static let vocabularies = [
        "bizStep": "BizStep", "disposition": "Disp", "set": "Disp", "unset": "Disp", "reason": "ER",
    ]
    static let webVocabulary = [
        ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ]

    struct Writer {
        var namespaces: [String: String]

        func event(_ fields: [String: JSONValue]) -> String {
            var text = "eventType=" + (fields["type"]?.string ?? "ObjectEvent")
            for name in EPCISEventHash.ordered {
                guard let value = fields[name] else { continue }
                text += standard(name, value)
            }
            let handled = Set(EPCISEventHash.ordered).union(EPCISEventHash.left)
            let rest = fields.filter { !handled.contains($0.key) }.flatMap { member($0.key, $0.value) }
            return text + sorted(rest).joined()
        }

        /// A member of the ordered part.
        func standard(_ name: String, _ value: JSONValue) -> String {
            if let list = value.array, list.isEmpty { return "" }
            if EPCISEventHash.epcLists.contains(name) {
                return name + sorted(items(value).map { "epc=" + canonical($0, key: "epc") }).joined()
            }
            if EPCISEventHash.quantityLists.contains(name) {
                let elements = (value.array ?? []).map { element in
                    "quantityElement"
                        + ["epcClass", "quantity", "uom"].compactMap { key in
                            element[key].flatMap(scalar).map { "\(key)=" + canonical($0, key: key) }
                        }.joined()
                }
                return name + sorted(elements).joined()
            }
            switch name {
            case "certificationInfo":
                return sorted(items(value).map { "certificationInfo=" + canonical($0, key: name) }).joined()
            case "persistentDisposition":
                return name
                    + ["set", "unset"].map { key in
                        sorted(items(value[key] ?? .null).map { "\(key)=" + canonical($0, key: key) }).joined()
                    }.joined()
            case "readPoint", "bizLocation":
                let object = value.object ?? [:]
                let id = object["id"].flatMap(scalar).map { "id=" + canonical($0, key: "id") } ?? ""
                return name + id + extensions(of: object, except: ["id"])
            case "sensorElementList":
                return name + sorted((value.array ?? []).map(sensorElement)).joined()
            default:
                return scalar(value).map { "\(name)=" + canonical($0, key: name) } ?? ""
            }
        }

        func sensorElement(_ value: JSONValue) -> String {
            let object = value.object ?? [:]
            var text = "sensorElement"
            if let metadata = object["sensorMetadata"]?.object {
                text += "sensorMetadata" + fieldsInOrder(metadata, EPCISEventHash.metadataOrder)
            }
            let reports = (object["sensorReport"]?.array ?? []).map { report in
                var members = report.object ?? [:]
                // A bare measurement or alert type is a word of GS1's vocabulary.
                for key in ["type", "exception"] {
                    if let word = members[key]?.string, !word.contains(":") {
                        members[key] = .string("https://gs1.org/voc/" + word)
                    }
                }
                return "sensorReport" + fieldsInOrder(members, EPCISEventHash.reportOrder)
            }
            return text + sorted(reports).joined() + extensions(of: object, except: ["sensorMetadata", "sensorReport"])
        }

        func fieldsInOrder(_ object: [String: JSONValue], _ order: [String]) -> String {
            order.compactMap { key in
                object[key].flatMap(scalar).map { "\(key)=" + canonical($0, key: key) }
            }.joined() + extensions(of: object, except: Set(order))
        }

        func extensions(of object: [String: JSONValue], except known: Set<String>) -> String {
            sorted(object.filter { !known.contains($0.key) }.flatMap { member($0.key, $0.value) }).joined()
        }

        /// A member written whole: a list is one entry per item under the member's name; an object its name
        /// and its members, sorted.
        func member(_ key: String, _ value: JSONValue) -> [String] {
            let name = expandedName(key)
            switch value {
            case .array(let list):
                if list.isEmpty { return [] }
                if key == "bizTransactionList" || key == "sourceList" || key == "destinationList" {
                    return [key + sorted(list.map { typed($0, key: String(key.dropLast(4))) }).joined()]
                }
                return list.flatMap { member(key, $0) }
            case .object(let members):
                if key == "ilmd" {
                    return ["ilmd" + sorted(members.flatMap { member($0.key, $0.value) }).joined()]
                }
                return [name + sorted(members.flatMap { member($0.key, $0.value) }).joined()]
            case .null:
                return [name]
            default:
                let text = scalar(value).map { canonical($0, key: key) } ?? ""
                return [text.isEmpty ? name : name + "=" + text]
            }
        }

        /// A business transaction, source or destination: its type (when it has one), then its identifier.
        func typed(_ value: JSONValue, key: String) -> String {
            var text = ""
            if let type = value["type"].flatMap(scalar) {
                let kind = key == "bizTransaction" ? "BTT" : "SDT"
                text +=
                    "type="
                    + canonical(type.contains(":") ? type : "https://ref.gs1.org/cbv/\(kind)-\(type)", key: "type")
            }
            if let id = value[key].flatMap(scalar) { text += "\(key)=" + canonical(id, key: key) }
            return text
        }

        /// Strings in the order of their UTF-8 bytes (code point order), not Swift's Unicode order.
        func sorted(_ strings: [String]) -> [String] {
            strings.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }

        func items(_ value: JSONValue) -> [String] {
            if let list = value.array { return list.compactMap(scalar) }
            return scalar(value).map { [$0] } ?? []
        }

        func scalar(_ value: JSONValue) -> String? {
            switch value {
            case .string(let text): text
            case .number(let text): text
            case .bool(let flag): flag ? "true" : "false"
            default: nil
            }
        }

        /// `prefix:local` as `{namespace}local` when the prefix is bound.
        func expandedName(_ key: String) -> String {
            guard let colon = key.firstIndex(of: ":") else { return key }
            let prefix = String(key[..<colon])
            guard let namespace = namespaces[prefix] ?? EPCISJSONReader.standardPrefixes[prefix] else { return key }
            return "{\(Self.namespaceName(namespace))}" + key[key.index(after: colon)...]
        }

        /// The namespace as XML names it: a JSON-LD prefix for a URN ends in the `:` that XML leaves out
        /// (`urn:epcglobal:cbv:mda:` and `urn:epcglobal:cbv:mda` are one namespace).
        static func namespaceName(_ namespace: String) -> String {
            namespace.hasPrefix("urn:") && namespace.hasSuffix(":") ? String(namespace.dropLast()) : namespace
        }

        /// A value in its canonical spelling, `key` being the name of the member that holds it (an extension's
        /// with its prefix, so that only the standard's own members take CBV words).
        func canonical(_ raw: String, key: String) -> String {
            var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let lowered = key.lowercased()
            if lowered.contains("time"), !lowered.contains("offset"), let time = EPCISEventHash.utcMilliseconds(text) {
                return time
            }
            if let kind = EPCISEventHash.vocabularies[key], !text.contains(":") {
                text = "https://ref.gs1.org/cbv/\(kind)-\(text)"
            }
            for (urn, web) in EPCISEventHash.webVocabulary where text.hasPrefix(urn) {
                text = web + text.dropFirst(urn.count)
            }
            if let curie = expandedValue(text) { text = curie }
            if let number = EPCISEventHash.number(text) { return number }
            return EPCISEventHash.digitalLink(text) ?? text
        }

        /// A compact URI (`gs1:Temperature`, `ex:x` with `ex` bound) as its full URI.
        func expandedValue(_ text: String) -> String? {
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let prefix = String(text[..<colon])
            guard prefix != "urn", prefix != "http", prefix != "https",
                let namespace = namespaces[prefix] ?? EPCISJSONReader.standardPrefixes[prefix]
            else { return nil }
            return namespace + text[text.index(after: colon)...]
        }
    }

    /// An instant in UTC to the millisecond (`2005-04-05T02:33:31.116Z`), a fourth fractional digit of 5 or
    /// more rounding the third up; `nil` when `text` is not a time.
    static func utcMilliseconds(_ text: String) -> String? {
        guard var time = try? EPCISTime.parse(text) else { return nil }
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            if digits.count > 3, let fourth = digits.dropFirst(3).first?.wholeNumberValue, fourth >= 5 {
                time.millisecondsSince1970 += 1
            }
        }
        return Timestamp(millisecondsSince1970: time.millisecondsSince1970, offsetSeconds: 0).iso8601
    }

    /// A decimal number (`1.50`, `+20`, `2E3`) without trailing zeros (`1.5`, `20`, `2000`); `nil` when
    /// `text` is not one.
    static func number(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        while index < bytes.count, (48...57).contains(bytes[index]) {
            index += 1
            digits += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (48...57).contains(bytes[index]) {
                index += 1
                digits += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
        }
        guard index == bytes.count, let value = Double(text), value.isFinite else { return nil }
        if value == value.rounded() {
            return abs(value) < 9.2e18 ? String(Int64(value)) : String(format: "%.0f", value)
        }
        return "\(value)"
    }

    /// The keys a canonical Digital Link keeps, each with the qualifiers that make it finer, finest first.
    static let keys: [String: [String]] = [
        "00": [], "01": ["21", "235", "10"], "253": [], "255": [], "401": [], "402": [], "414": ["254"], "417": [],
        "8003": [], "8004": [], "8006": ["21", "10"], "8010": ["8011"], "8017": [], "8018": [],
    ]

    /// An EPC URI, EPC class URI, SGTIN pattern or Digital Link as the canonical Digital Link: on
    /// `https://id.gs1.org`, without its query, its key with the finest qualifier only; `nil` for anything else.
    public static func digitalLink(_ text: String) -> String? {
        var data: GS1Data?
        if text.hasPrefix("urn:epc:idpat:sgtin:"), text.hasSuffix(".*") {
            let fields = text.dropFirst("urn:epc:idpat:sgtin:".count).split(separator: ".")
            if fields.count == 3, let epc = try? EPC.parse(uri: "urn:epc:id:sgtin:\(fields[0]).\(fields[1]).0") {
                data = epc.gs1.map { GS1Data(elements: $0.elements.filter { $0.ai == "01" }) }
            }
        } else if text.hasPrefix("urn:epc:id:") || text.hasPrefix("urn:epc:class:") {
            data = (try? EPC.parse(uri: text))?.gs1
        } else if text.hasPrefix("https://") || text.hasPrefix("http://") {
            data = try? DigitalLink.parse(text)
        }
        guard let elements = data?.elements,
            let key = elements.first(where: { keys[$0.ai] != nil }),
            let qualifiers = keys[key.ai]
        else { return nil }
        var kept = [key]
        if let finest = qualifiers.lazy.compactMap({ ai in elements.first { $0.ai == ai } }).first {
            kept.append(finest)
        }
        if key.ai == "01", key.value.utf8.count < 14 {
            kept[0].value = String(repeating: "0", count: 14 - key.value.utf8.count) + key.value
        }
        return try? DigitalLink.make(GS1Data(elements: kept))
    }
}
