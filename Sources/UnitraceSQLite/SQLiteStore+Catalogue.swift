import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    public func insertProduct(_ product: Product) async throws {
        let attributes = product.attributes.isEmpty ? nil : try StoredForms.json(product.attributes)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO product (sku, name, gtin, tracking, warranty_months, warranty_basis, serial_template, attributes,
                        company_prefix_length, uom, shelf_life_days)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    product.sku, product.name, product.gtin, product.tracking.rawValue, product.warranty?.months,
                    product.warranty?.basis.rawValue, product.serialTemplate?.pattern ?? "", attributes,
                    product.companyPrefixLength, product.uom, product.shelfLifeDays,
                ])
        }
    }

    public func product(sku: String) async throws -> Product? {
        try await read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT \(ProductRow.columns) FROM product WHERE sku = ?"), arguments: [sku]
            )
            .map(ProductRow.product)
        }
    }

    public func products() async throws -> [Product] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT \(ProductRow.columns) FROM product ORDER BY sku")).map(
                ProductRow.product)
        }
    }

    public func nextSerialNumber(sku: String) async throws -> Int64 {
        try await read { db in
            try Int64.fetchOne(
                try db.cachedStatement(sql: "SELECT next_serial FROM product WHERE sku = ?"), arguments: [sku]) ?? 1
        }
    }

    public func insertLocation(_ location: Location) async throws {
        try await write { db in
            var path = "/\(location.code)/"
            if let parent = location.parent {
                guard
                    let parentPath = try String.fetchOne(
                        db, sql: "SELECT path FROM location WHERE code = ?", arguments: [parent])
                else { throw StoreError(.conflict, "parent location \(parent) disappeared") }
                path = parentPath + "\(location.code)/"
            }
            try db.execute(
                sql: "INSERT INTO location (code, name, kind, parent, path) VALUES (?, ?, ?, ?, ?)",
                arguments: [location.code, location.name, location.kind.rawValue, location.parent, path])
        }
    }

    public func location(code: String) async throws -> Location? {
        try await read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT \(LocationRow.columns) FROM location WHERE code = ?"),
                arguments: [code]
            )
            .map(LocationRow.location)
        }
    }

    public func locations() async throws -> [Location] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT \(LocationRow.columns) FROM location ORDER BY path"))
                .map(
                    LocationRow.location)
        }
    }
}
