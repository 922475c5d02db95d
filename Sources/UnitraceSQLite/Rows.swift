import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

enum UnitRow {
    static let columns =
        "u.sku, u.serial, u.status, u.location, u.destination, u.owner, u.lot, u.aliases, u.attributes, u.version, u.expiry, u.container, u.parent"

    /// Decodes the columns listed in `columns`, starting at `offset`.
    static func state(_ row: Row, offset: Int = 0) throws -> UnitState {
        try StoredForms.unitState(
            sku: row[offset], serial: row[offset + 1], status: row[offset + 2], location: row[offset + 3],
            destination: row[offset + 4], owner: row[offset + 5], lot: row[offset + 6], aliases: row[offset + 7],
            attributes: row[offset + 8], version: row[offset + 9], expiry: row[offset + 10],
            container: row[offset + 11], parent: row[offset + 12])
    }
}

enum ProductRow {
    static let columns =
        "sku, name, gtin, tracking, warranty_months, warranty_basis, serial_template, attributes, company_prefix_length, uom, shelf_life_days"

    static func product(_ row: Row) throws -> Product {
        try StoredForms.product(
            sku: row[0], name: row[1], gtin: row[2], tracking: row[3], warrantyMonths: row[4], warrantyBasis: row[5],
            serialTemplate: row[6], attributes: row[7], companyPrefixLength: row[8], uom: row[9],
            shelfLifeDays: row[10])
    }
}

enum LocationRow {
    static let columns = "code, name, kind, parent"

    static func location(_ row: Row) throws -> Location {
        try StoredForms.location(code: row[0], name: row[1], kind: row[2], parent: row[3])
    }
}
