import Foundation

/// Writes an event's canonical encoding — JSON with keys in sorted order, no insignificant whitespace,
/// slashes unescaped — byte for byte as `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`
/// writes it (the ledger's hashes were defined with it), several times faster: straight into a byte
/// buffer, keys already in order, no intermediate tree. A test holds the two to the same bytes.
struct CanonicalJSON {
    var bytes: [UInt8] = []

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    static func encode(_ event: Event) -> Data {
        var writer = CanonicalJSON(capacity: 256 + event.units.count * 64)
        writer.event(event)
        return Data(writer.bytes)
    }

    static func detail(_ line: EventLine) -> String {
        var writer = CanonicalJSON(capacity: 64)
        writer.line(line, detailOnly: true)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: Values

    private static let hex = Array("0123456789abcdef".utf8)

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `{`, then each present member in the order given (callers list keys sorted), then `}`.
    private mutating func object(_ members: (inout ObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        // The buffer moves into the writer and back: no copy of it is ever made.
        var writer = ObjectWriter(json: CanonicalJSON(capacity: 0))
        swap(&writer.json.bytes, &bytes)
        members(&writer)
        swap(&writer.json.bytes, &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    struct ObjectWriter {
        var json: CanonicalJSON
        private var first = true

        init(json: CanonicalJSON) { self.json = json }

        private mutating func key(_ name: StaticString) {
            if !first { json.bytes.append(UInt8(ascii: ",")) }
            first = false
            json.bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { json.bytes.append(contentsOf: $0) }
            json.bytes.append(contentsOf: [34, 58])  // ":
        }

        mutating func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            json.string(value)
        }

        mutating func value(_ name: StaticString, _ write: (inout CanonicalJSON) -> Void) {
            key(name)
            write(&json)
        }
    }

    mutating func array<T>(_ items: [T], _ write: (inout CanonicalJSON, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func dictionary(_ values: [String: String]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in values.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(key)
            bytes.append(UInt8(ascii: ":"))
            string(values[key]!)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    // MARK: The ledger's types, members in sorted key order

    mutating func event(_ event: Event) {
        object { o in
            o.string("actor", event.actor)
            o.string("businessStep", event.businessStep)
            o.string("container", event.container)
            if let containers = event.containers { o.value("containers") { $0.array(containers) { $0.string($1) } } }
            o.string("corrects", event.corrects?.uuidString)
            o.string("destination", event.destination)
            o.string("disposition", event.disposition)
            o.value("documents") { $0.array(event.documents) { $0.document($1) } }
            if let epcis = event.epcis { o.value("epcis") { $0.epcis(epcis) } }
            if let form = event.form { o.value("form") { $0.bytes.append(contentsOf: Array(String(form).utf8)) } }
            o.string("id", event.id.uuidString)
            if let inputs = event.inputs, !inputs.isEmpty {
                o.value("inputs") { $0.array(inputs) { $0.quantity($1) } }
            }
            if let inspection = event.inspection { o.value("inspection") { $0.inspection(inspection) } }
            o.string("kind", event.kind.rawValue)
            o.string("location", event.location)
            if let lots = event.lots, !lots.isEmpty { o.value("lots") { $0.array(lots) { $0.lot($1) } } }
            o.string("occurredAt", event.occurredAt.iso8601)
            if let parent = event.parent { o.value("parent") { $0.unitKey(parent) } }
            if let quantities = event.quantities, !quantities.isEmpty {
                o.value("quantities") { $0.array(quantities) { $0.quantity($1) } }
            }
            o.string("reason", event.reason)
            o.string("recordedAt", event.recordedAt.iso8601)
            if let request = event.request { o.value("request") { $0.request(request) } }
            if let sale = event.sale { o.value("sale") { $0.sale(sale) } }
            o.string("source", event.source)
            o.string("transformation", event.transformation)
            o.value("units") { $0.array(event.units) { $0.line($1) } }
        }
    }

    mutating func unitKey(_ key: UnitKey) {
        object { o in
            o.string("serial", key.serial)
            o.string("sku", key.sku)
        }
    }

    mutating func quantity(_ line: QuantityLine) {
        object { o in
            o.string("lot", line.lot)
            o.string("quantity", line.quantity)
            o.string("sku", line.sku)
            o.string("uom", line.uom)
        }
    }

    mutating func lot(_ lot: Lot) {
        object { o in
            o.string("bestBefore", lot.bestBefore?.description)
            o.string("code", lot.code)
            o.string("expiry", lot.expiry?.description)
            if let inputs = lot.inputs, !inputs.isEmpty { o.value("inputs") { $0.array(inputs) { $0.quantity($1) } } }
            o.string("madeOn", lot.madeOn?.description)
            o.string("run", lot.run)
            o.string("sku", lot.sku)
            o.string("supplier", lot.supplier)
        }
    }

    mutating func document(_ document: DocumentRef) {
        object { o in
            o.string("id", document.id)
            o.string("type", document.type)
        }
    }

    mutating func request(_ request: RequestRef) {
        object { o in
            o.string("fingerprint", request.fingerprint)
            o.string("id", request.id)
        }
    }

    mutating func inspection(_ inspection: Inspection) {
        object { o in
            o.string("defect", inspection.defect)
            o.string("equipment", inspection.equipment)
            o.string("inspector", inspection.inspector)
            if let lot = inspection.lot {
                o.value("lot") {
                    $0.object { o in
                        o.string("lot", lot.lot)
                        o.string("sku", lot.sku)
                    }
                }
            }
            if let measurements = inspection.measurements {
                o.value("measurements") {
                    $0.array(measurements) { writer, measurement in
                        writer.object { o in
                            o.string("high", measurement.high)
                            o.string("low", measurement.low)
                            o.string("name", measurement.name)
                            o.string("unit", measurement.unit)
                            o.string("value", measurement.value)
                        }
                    }
                }
            }
            o.string("procedure", inspection.procedure)
            o.string("result", inspection.result.rawValue)
        }
    }

    mutating func sale(_ sale: Sale) {
        object { o in
            o.string("channel", sale.channel)
            o.string("currency", sale.currency)
            o.string("customer", sale.customer)
            o.string("price", sale.price)
        }
    }

    mutating func alias(_ alias: Alias) {
        object { o in
            o.string("kind", alias.kind.rawValue)
            o.string("value", alias.value)
        }
    }

    mutating func line(_ line: EventLine, detailOnly: Bool = false) {
        object { o in
            if let aliases = line.aliases { o.value("aliases") { $0.array(aliases) { $0.alias($1) } } }
            if let attributes = line.attributes { o.value("attributes") { $0.dictionary(attributes) } }
            o.string("expiry", line.expiry)
            o.string("lot", line.lot)
            if let restore = line.restore { o.value("restore") { $0.snapshot(restore) } }
            if !detailOnly {
                o.string("serial", line.serial)
                o.string("sku", line.sku)
            }
        }
    }

    mutating func snapshot(_ snapshot: UnitSnapshot) {
        object { o in
            o.value("aliases") { $0.array(snapshot.aliases) { $0.alias($1) } }
            o.value("attributes") { $0.dictionary(snapshot.attributes) }
            o.string("container", snapshot.container)
            o.string("destination", snapshot.destination)
            o.string("expiry", snapshot.expiry)
            o.string("location", snapshot.location)
            o.string("lot", snapshot.lot)
            o.string("owner", snapshot.owner)
            if let parent = snapshot.parent { o.value("parent") { $0.unitKey(parent) } }
            o.string("status", snapshot.status.rawValue)
        }
    }
}
