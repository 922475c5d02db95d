import Foundation
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    typealias ProductColumns = (String, String, String?, String, Int?, String?, String, String?, Int?, String?, Int?)
    static let productColumns =
        "sku, name, gtin, tracking, warranty_months, warranty_basis, serial_template, attributes, company_prefix_length, uom, shelf_life_days"

    static func product(_ c: ProductColumns) throws -> Product {
        try StoredForms.product(
            sku: c.0, name: c.1, gtin: c.2, tracking: c.3, warrantyMonths: c.4, warrantyBasis: c.5,
            serialTemplate: c.6, attributes: c.7, companyPrefixLength: c.8, uom: c.9, shelfLifeDays: c.10)
    }

    public func insertProduct(_ product: Product) async throws {
        let attributes = product.attributes.isEmpty ? nil : try StoredForms.json(product.attributes)
        try await writing {
            try await client.query(
                """
                INSERT INTO product (sku, name, gtin, tracking, warranty_months, warranty_basis, serial_template,
                    attributes, company_prefix_length, uom, shelf_life_days)
                VALUES (\(product.sku), \(product.name), \(product.gtin), \(product.tracking.rawValue),
                    \(product.warranty?.months), \(product.warranty?.basis.rawValue),
                    \(product.serialTemplate?.pattern ?? ""), \(attributes), \(product.companyPrefixLength),
                    \(product.uom), \(product.shelfLifeDays))
                """, logger: logger)
        }
    }

    public func product(sku: String) async throws -> Product? {
        try await products(where: "WHERE sku = $1", sku).first
    }

    public func products() async throws -> [Product] {
        try await products(where: "", nil)
    }

    private func products(where condition: String, _ sku: String?) async throws -> [Product] {
        try await translating {
            var query = PostgresQuery(unsafeSQL: "SELECT \(Self.productColumns) FROM product \(condition) ORDER BY sku")
            if let sku { query.binds.append(sku) }
            var products: [Product] = []
            for try await row in try await client.query(query, logger: logger).decode(ProductColumns.self) {
                products.append(try Self.product(row))
            }
            return products
        }
    }

    public func nextSerialNumber(sku: String) async throws -> Int64 {
        try await translating {
            for try await next in try await client.query(
                "SELECT next_serial FROM product WHERE sku = \(sku)", logger: logger
            ).decode(Int64.self) {
                return next
            }
            return 1
        }
    }

    public func insertLocation(_ location: Location) async throws {
        try await writing {
            let path: String
            if let parent = location.parent {
                var parentPath: String?
                for try await found in try await client.query(
                    "SELECT path FROM location WHERE code = \(parent)", logger: logger
                ).decode(String.self) {
                    parentPath = found
                }
                guard let parentPath else { throw StoreError(.conflict, "parent location \(parent) disappeared") }
                path = parentPath + "\(location.code)/"
            } else {
                path = "/\(location.code)/"
            }
            try await client.query(
                """
                INSERT INTO location (code, name, kind, parent, path)
                VALUES (\(location.code), \(location.name), \(location.kind.rawValue), \(location.parent), \(path))
                """, logger: logger)
        }
    }

    public func location(code: String) async throws -> Location? {
        try await locations(where: "WHERE code = $1", code).first
    }

    public func locations() async throws -> [Location] {
        try await locations(where: "", nil)
    }

    private func locations(where condition: String, _ code: String?) async throws -> [Location] {
        try await translating {
            var query = PostgresQuery(
                unsafeSQL: "SELECT code, name, kind, parent FROM location \(condition) ORDER BY path")
            if let code { query.binds.append(code) }
            var locations: [Location] = []
            for try await (code, name, kind, parent) in try await client.query(query, logger: logger).decode(
                (String, String, String, String?).self)
            {
                locations.append(try StoredForms.location(code: code, name: name, kind: kind, parent: parent))
            }
            return locations
        }
    }
}
