import Foundation
import UnitraceCore

/// How values are written into and read back from a store's columns, the same in every engine: JSON for
/// the small structured columns (aliases, attributes, line details, event headers) and the checks that
/// turn a row back into a value.
public enum StoredForms {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = JSONDecoder()

    public static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String, what: @autoclosure () -> String) throws
        -> T
    {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError(.corrupt, "the store holds an unreadable \(what()); it was edited outside Unitrace")
        }
    }

    /// A unit row's columns back as a state.
    public static func unitState(
        sku: String, serial: String, status statusText: String, location: String, destination: String?,
        owner: String?, lot: String?, aliases: String?, attributes: String?, version: Int64, expiry: String?,
        container: String? = nil, parent: String? = nil
    ) throws -> UnitState {
        let key = UnitKey(sku: sku, serial: serial)
        guard let status = UnitStatus(rawValue: statusText) else {
            throw StoreError(
                .corrupt, "unit \(key) has an unknown status '\(statusText)'; the store was edited outside Unitrace")
        }
        return UnitState(
            key: key, status: status, location: location, destination: destination, owner: owner, lot: lot,
            aliases: try aliases.map { text in
                try QuickForms.aliases(text) ?? decode([Alias].self, text, what: "alias list of \(key)")
            } ?? [],
            attributes: try attributes.map { text in
                try QuickForms.stringMap(text) ?? decode([String: String].self, text, what: "attributes of \(key)")
            } ?? [:],
            version: version, expiry: expiry, container: container,
            parent: try parent.map { text in
                guard let key = UnitKey(parsing: text) else {
                    throw StoreError(
                        .corrupt, "unit \(key) has an unreadable parent; the store was edited outside Unitrace")
                }
                return key
            })
    }

    /// A product row's columns back as a product.
    public static func product(
        sku: String, name: String, gtin: String?, tracking: String, warrantyMonths: Int?, warrantyBasis: String?,
        serialTemplate pattern: String, attributes: String?, companyPrefixLength: Int?, uom: String? = nil,
        shelfLifeDays: Int? = nil
    ) throws -> Product {
        func corrupt(_ what: String) -> StoreError {
            StoreError(.corrupt, "product \(sku) has an unreadable \(what); the store was edited outside Unitrace")
        }
        guard let mode = TrackingMode(rawValue: tracking) else { throw corrupt("tracking mode") }
        var warranty: WarrantyPolicy?
        if let warrantyMonths {
            guard let basis = WarrantyBasis(rawValue: warrantyBasis ?? "") else { throw corrupt("warranty basis") }
            warranty = WarrantyPolicy(months: warrantyMonths, basis: basis)
        }
        let template = pattern.isEmpty ? nil : try? SerialTemplate(pattern)
        if !pattern.isEmpty, template == nil { throw corrupt("serial template") }
        return Product(
            sku: sku, name: name, gtin: gtin, companyPrefixLength: companyPrefixLength, tracking: mode,
            warranty: warranty, serialTemplate: template,
            attributes: try attributes.map { text in
                try QuickForms.stringMap(text) ?? decode([String: String].self, text, what: "attributes of \(sku)")
            } ?? [:], uom: uom, shelfLifeDays: shelfLifeDays)
    }

    /// A location row's columns back as a location.
    public static func location(code: String, name: String, kind: String, parent: String?) throws -> Location {
        guard let kind = LocationKind(rawValue: kind) else {
            throw StoreError(.corrupt, "location \(code) has an unknown kind; the store was edited outside Unitrace")
        }
        return Location(code: code, name: name, kind: kind, parent: parent)
    }

    /// An event header and its hash back as a recorded event (its units are added by the caller).
    public static func recorded(sequence: Int64, header: String, hash: [UInt8], columns: EventColumns? = nil) throws
        -> RecordedEvent
    {
        RecordedEvent(
            sequence: sequence, hash: LedgerHash.Digest(bytes: hash),
            event: try QuickForms.header(header) ?? decode(Event.self, header, what: "event \(sequence)"),
            columns: columns)
    }
}

/// What a line of an event says beyond the unit it names; stored in `event_unit.detail`.
public struct LineDetail: Codable {
    var aliases: [Alias]?
    var lot: String?
    var expiry: String?
    var attributes: [String: String]?
    var restore: UnitSnapshot?

    init() {}

    public init?(_ line: EventLine) {
        guard
            line.aliases != nil || line.lot != nil || line.attributes != nil || line.restore != nil
                || line.expiry != nil
        else {
            return nil
        }
        aliases = line.aliases
        lot = line.lot
        expiry = line.expiry
        attributes = line.attributes
        restore = line.restore
    }

    public static func line(unit: UnitKey, detail: String?) throws -> EventLine {
        guard let detail else { return EventLine(unit: unit) }
        let value =
            try QuickForms.lineDetail(detail)
            ?? StoredForms.decode(LineDetail.self, detail, what: "event line for \(unit)")
        return EventLine(
            unit: unit, aliases: value.aliases, lot: value.lot, attributes: value.attributes, restore: value.restore,
            expiry: value.expiry)
    }
}

/// A batch with everything that does not need the write lock already encoded: the work done before a
/// store takes its turn to append to the chain.
public struct EncodedBatch: Sendable {
    public let batch: CommitBatch
    /// Each event without its units, as JSON (its canonical encoding, with `"units":[]`).
    public let headers: [String]
    /// For each event, each line's detail (or `nil`).
    public let details: [[String?]]
    /// For each unit change, its aliases and attributes as JSON (or `nil` when there are none).
    public let unitJSON: [(aliases: String?, attributes: String?)]

    public init(_ batch: CommitBatch) throws {
        self.batch = batch
        headers = batch.items.map { item -> String in
            var header = item.event
            header.units = []
            return String(decoding: LedgerHash.canonicalEncoding(of: header), as: UTF8.self)
        }
        details = batch.items.map { item in item.event.units.map(\.detailJSON) }
        unitJSON = try batch.changes.map { change -> (aliases: String?, attributes: String?) in
            (
                change.after.aliases.isEmpty ? nil : try StoredForms.json(change.after.aliases),
                change.after.attributes.isEmpty ? nil : try StoredForms.json(change.after.attributes)
            )
        }
    }
}
