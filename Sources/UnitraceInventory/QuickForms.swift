import Foundation
import UnitraceCore

/// Reads the stored JSON of the shapes Unitrace writes most — an event header without a sale, a request, an
/// EPCIS event or quantities; a line's lot, expiry, attributes and aliases; a unit's or product's attributes
/// and aliases — straight from its bytes, without Foundation's decoder, which costs most of a history read.
///
/// Each reader answers `nil` for anything outside its shape (a member it does not know, a value of another
/// type, malformed JSON), and the caller then decodes the text with `JSONDecoder` as before. So the quick
/// reading is only ever a faster way to the same value, and every refusal still comes from the one decoder.
enum QuickForms {
    fileprivate struct Outside: Error {}

    static func stringMap(_ text: String) -> [String: String]? {
        read(text) { try stringMap(&$0) }
    }

    static func aliases(_ text: String) -> [Alias]? {
        read(text) { try aliases(&$0) }
    }

    static func lineDetail(_ text: String) -> LineDetail? {
        read(text) { stream in
            var detail = LineDetail()
            try stream.beginObject()
            while let key = try stream.nextKey() { try detail.read(key, &stream) }
            return detail
        }
    }

    /// An event header (the event with `"units":[]`).
    static func header(_ text: String) -> Event? {
        read(text) { stream in try event(&stream, lines: false) { _, _ in false } }
    }

    /// An export's line for an event: the event with its lines, and the sequence and hash when given.
    static func eventRecord(_ text: String) -> (event: Event, sequence: Int64?, hash: LedgerHash.Digest?)? {
        var sequence: Int64?
        var hash: LedgerHash.Digest?
        let found: Event? = read(text) { (stream: inout JSONStream) throws -> Event in
            try Self.event(&stream, lines: true) { (key: String, stream: inout JSONStream) throws -> Bool in
                switch key {
                case "sequence":
                    guard case .number(let text) = try stream.value(), let value = Int64(text) else { throw Outside() }
                    sequence = value
                case "hash":
                    guard let digest = LedgerHash.Digest(hex: try string(&stream)) else { throw Outside() }
                    hash = digest
                default: return false
                }
                return true
            }
        }
        return found.map { ($0, sequence, hash) }
    }

    /// An event's members; `other` reads a member an event does not have, or answers `false`.
    private static func event(
        _ stream: inout JSONStream, lines: Bool, other: (String, inout JSONStream) throws -> Bool
    ) throws -> Event {
        var id: UUID?
        var kind: EventKind?
        var occurredAt: Timestamp?
        var recordedAt: Timestamp?
        var actor: String?
        var businessStep: String?
        var documents: [DocumentRef]?
        var location: String?
        var destination: String?
        var source: String?
        var disposition: String?
        var reason: String?
        var corrects: UUID?
        var form: Int?
        var units: [EventLine]?
        try stream.beginObject()
        while let key = try stream.nextKey() {
            switch key {
            case "actor": actor = try string(&stream)
            case "businessStep": businessStep = try string(&stream)
            case "corrects": corrects = try optionalString(&stream).map(uuid)
            case "destination": destination = try optionalString(&stream)
            case "source": source = try optionalString(&stream)
            case "disposition": disposition = try optionalString(&stream)
            case "documents": documents = try documentList(&stream)
            case "form":
                guard case .number(let text) = try stream.value(), let value = Int(text) else { throw Outside() }
                form = value
            case "id": id = try uuid(string(&stream))
            case "kind":
                guard let value = EventKind(rawValue: try string(&stream)) else { throw Outside() }
                kind = value
            case "location": location = try optionalString(&stream)
            case "occurredAt": occurredAt = try Timestamp(iso8601: string(&stream))
            case "reason": reason = try optionalString(&stream)
            case "recordedAt": recordedAt = try Timestamp(iso8601: string(&stream))
            case "units":
                var read: [EventLine] = []
                try stream.beginArray()
                while try stream.nextElement() {
                    guard lines else { throw Outside() }
                    read.append(try line(&stream))
                }
                units = read
            default:
                guard try other(key, &stream) else { throw Outside() }
            }
        }
        guard let id, let kind, let occurredAt, let recordedAt, let actor, let businessStep, let documents, let units
        else { throw Outside() }
        var event = Event(
            id: id, kind: kind, occurredAt: occurredAt, recordedAt: recordedAt, location: location,
            destination: destination, actor: actor, businessStep: businessStep, disposition: disposition,
            reason: reason, documents: documents, corrects: corrects, units: units)
        event.form = form
        event.source = source
        return event
    }

    /// One line of an event: the unit, with its lot, expiry, attributes and aliases.
    private static func line(_ stream: inout JSONStream) throws -> EventLine {
        var sku: String?
        var serial: String?
        var detail = LineDetail()
        try stream.beginObject()
        while let key = try stream.nextKey() {
            switch key {
            case "sku": sku = try string(&stream)
            case "serial": serial = try string(&stream)
            default: try detail.read(key, &stream)
            }
        }
        guard let sku, let serial else { throw Outside() }
        return EventLine(
            unit: UnitKey(sku: sku, serial: serial), aliases: detail.aliases, lot: detail.lot,
            attributes: detail.attributes, expiry: detail.expiry)
    }

    // MARK: Pieces

    private static func read<T>(_ text: String, _ body: (inout JSONStream) throws -> T) -> T? {
        var stream = JSONStream(bytes: Array(text.utf8))
        guard let value = try? body(&stream), (try? stream.end()) != nil else { return nil }
        return value
    }

    fileprivate static func string(_ stream: inout JSONStream) throws -> String {
        guard case .string(let text) = try stream.value() else { throw Outside() }
        return text
    }

    fileprivate static func optionalString(_ stream: inout JSONStream) throws -> String? {
        switch try stream.value() {
        case .string(let text): text
        case .null: nil
        default: throw Outside()
        }
    }

    private static func uuid(_ text: String) throws -> UUID {
        guard let value = UUID(uuidString: text) else { throw Outside() }
        return value
    }

    fileprivate static func stringMap(_ stream: inout JSONStream) throws -> [String: String] {
        var map: [String: String] = [:]
        try stream.beginObject()
        while let key = try stream.nextKey() { map[key] = try string(&stream) }
        return map
    }

    /// An array of objects with exactly the string members `names`, in the order they come.
    private static func records(_ stream: inout JSONStream, _ names: Set<String>) throws -> [[String: String]] {
        var records: [[String: String]] = []
        try stream.beginArray()
        while try stream.nextElement() {
            let record = try stringMap(&stream)
            guard Set(record.keys) == names else { throw Outside() }
            records.append(record)
        }
        return records
    }

    fileprivate static func aliases(_ stream: inout JSONStream) throws -> [Alias] {
        try records(&stream, ["kind", "value"]).map { record in
            guard let kind = Alias.Kind(rawValue: record["kind"]!) else { throw Outside() }
            return Alias(kind: kind, value: record["value"]!)
        }
    }

    private static func documentList(_ stream: inout JSONStream) throws -> [DocumentRef] {
        try records(&stream, ["id", "type"]).map { DocumentRef(type: $0["type"]!, id: $0["id"]!) }
    }
}

extension LineDetail {
    /// Reads one member of a line's detail, or throws when it is not one the quick reader knows.
    fileprivate mutating func read(_ key: String, _ stream: inout JSONStream) throws {
        switch key {
        case "lot": lot = try QuickForms.optionalString(&stream)
        case "expiry": expiry = try QuickForms.optionalString(&stream)
        case "attributes":
            attributes = try stream.peekKind() == UInt8(ascii: "n") ? nil : QuickForms.stringMap(&stream)
        case "aliases": aliases = try stream.peekKind() == UInt8(ascii: "n") ? nil : QuickForms.aliases(&stream)
        default: throw QuickForms.Outside()
        }
    }
}
