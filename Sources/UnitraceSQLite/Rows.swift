import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

/// JSON for the small structured columns (aliases, attributes, line details, event headers).
enum Columns {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, what: @autoclosure () -> String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError(.corrupt, "the store holds an unreadable \(what()); it was edited outside Unitrace")
        }
    }
}

/// What a line of an event says beyond the unit it names; stored in `event_unit.detail`.
struct LineDetail: Codable {
    var aliases: [Alias]?
    var lot: String?
    var expiry: String?
    var attributes: [String: String]?
    var restore: UnitSnapshot?

    init?(_ line: EventLine) {
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

    static func line(unit: UnitKey, detail: String?) throws -> EventLine {
        guard let detail else { return EventLine(unit: unit) }
        let value = try Columns.decode(LineDetail.self, detail, what: "event line for \(unit)")
        return EventLine(
            unit: unit, aliases: value.aliases, lot: value.lot, attributes: value.attributes, restore: value.restore,
            expiry: value.expiry)
    }
}

enum UnitRow {
    static let columns =
        "u.sku, u.serial, u.status, u.location, u.destination, u.owner, u.lot, u.aliases, u.attributes, u.version, u.expiry"

    /// Decodes the columns listed in `columns`, starting at `offset`.
    static func state(_ row: Row, offset: Int = 0) throws -> UnitState {
        let key = UnitKey(sku: row[offset], serial: row[offset + 1])
        let statusText: String = row[offset + 2]
        guard let status = UnitStatus(rawValue: statusText) else {
            throw StoreError(
                .corrupt, "unit \(key) has an unknown status '\(statusText)'; the store was edited outside Unitrace")
        }
        let aliasText: String? = row[offset + 7]
        let attributeText: String? = row[offset + 8]
        return UnitState(
            key: key, status: status, location: row[offset + 3], destination: row[offset + 4], owner: row[offset + 5],
            lot: row[offset + 6],
            aliases: try aliasText.map { try Columns.decode([Alias].self, $0, what: "alias list of \(key)") } ?? [],
            attributes: try attributeText.map {
                try Columns.decode([String: String].self, $0, what: "attributes of \(key)")
            } ?? [:],
            version: row[offset + 9], expiry: row[offset + 10])
    }
}

enum ProductRow {
    static let columns =
        "sku, name, gtin, tracking, warranty_months, warranty_basis, serial_template, attributes, company_prefix_length"

    static func product(_ row: Row) throws -> Product {
        let sku: String = row[0]
        func corrupt(_ what: String) -> StoreError {
            StoreError(.corrupt, "product \(sku) has an unreadable \(what); the store was edited outside Unitrace")
        }
        guard let tracking = TrackingMode(rawValue: row[3]) else { throw corrupt("tracking mode") }
        var warranty: WarrantyPolicy?
        if let months: Int = row[4] {
            guard let basis = WarrantyBasis(rawValue: row[5] ?? "") else { throw corrupt("warranty basis") }
            warranty = WarrantyPolicy(months: months, basis: basis)
        }
        let pattern: String = row[6]
        let template = pattern.isEmpty ? nil : try? SerialTemplate(pattern)
        if !pattern.isEmpty, template == nil { throw corrupt("serial template") }
        let attributes: String? = row[7]
        return Product(
            sku: sku, name: row[1], gtin: row[2], companyPrefixLength: row[8], tracking: tracking, warranty: warranty,
            serialTemplate: template,
            attributes: try attributes.map {
                try Columns.decode([String: String].self, $0, what: "attributes of \(sku)")
            } ?? [:])
    }
}

enum LocationRow {
    static let columns = "code, name, kind, parent"

    static func location(_ row: Row) throws -> Location {
        let code: String = row[0]
        guard let kind = LocationKind(rawValue: row[2]) else {
            throw StoreError(.corrupt, "location \(code) has an unknown kind; the store was edited outside Unitrace")
        }
        return Location(code: code, name: row[1], kind: kind, parent: row[3])
    }
}
