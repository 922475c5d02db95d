import Foundation
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    typealias UnitColumns = (
        String, String, String, String, String?, String?, String?, String?, String?, Int64, String?, String?, String?
    )
    static let unitColumns =
        "u.sku, u.serial, u.status, u.location, u.destination, u.owner, u.lot, u.aliases, u.attributes, u.version, u.expiry, u.container, u.parent"

    static func state(_ c: UnitColumns) throws -> UnitState {
        try StoredForms.unitState(
            sku: c.0, serial: c.1, status: c.2, location: c.3, destination: c.4, owner: c.5, lot: c.6, aliases: c.7,
            attributes: c.8, version: c.9, expiry: c.10, container: c.11, parent: c.12)
    }

    func units(_ query: PostgresQuery, on connection: PostgresConnection? = nil) async throws -> [UnitState] {
        try await translating {
            let rows =
                if let connection { try await connection.query(query, logger: logger) } else {
                    try await client.query(query, logger: logger)
                }
            var states: [UnitState] = []
            for try await row in rows.decode(UnitColumns.self) { states.append(try Self.state(row)) }
            return states
        }
    }

    public func states(of units: Set<UnitKey>) async throws -> [UnitKey: UnitState] {
        guard !units.isEmpty else { return [:] }
        let keys = Array(units)
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.unitColumns) FROM unit u
                JOIN unnest($1::text[], $2::text[]) AS k(sku, serial) ON u.sku = k.sku AND u.serial = k.serial
                """)
        query.binds.append(keys.map(\.sku))
        query.binds.append(keys.map(\.serial))
        var result: [UnitKey: UnitState] = [:]
        for state in try await self.units(query) { result[state.key] = state }
        return result
    }

    public func candidates(for scans: Set<String>) async throws -> [String: [UnitKey]] {
        guard !scans.isEmpty else { return [:] }
        return try await translating {
            let values = Array(scans)
            var result: [String: [UnitKey]] = [:]
            let rows = try await client.query(
                """
                SELECT serial, sku, serial, 0 FROM unit WHERE serial = ANY(\(values)) AND status != 'voided'
                UNION ALL
                SELECT a.value, u.sku, u.serial, 1 FROM alias a JOIN unit u ON u.id = a.unit_id WHERE a.value = ANY(\(values))
                ORDER BY 4, 2, 3
                """, logger: logger)
            for try await (scan, sku, serial, _) in rows.decode((String, String, String, Int32).self) {
                let key = UnitKey(sku: sku, serial: serial)
                if !(result[scan]?.contains(key) ?? false) { result[scan, default: []].append(key) }
            }
            return result
        }
    }

    public func aliasOwners(of values: Set<String>) async throws -> [String: UnitKey] {
        guard !values.isEmpty else { return [:] }
        return try await translating {
            var result: [String: UnitKey] = [:]
            let rows = try await client.query(
                "SELECT a.value, u.sku, u.serial FROM alias a JOIN unit u ON u.id = a.unit_id WHERE a.value = ANY(\(Array(values)))",
                logger: logger)
            for try await (value, sku, serial) in rows.decode((String, String, String).self) {
                result[value] = UnitKey(sku: sku, serial: serial)
            }
            return result
        }
    }

    /// `location IN` the subtree of the location code bound at `$index`.
    static func subtree(_ index: Int) -> String {
        "(SELECT code FROM location WHERE starts_with(path, (SELECT path FROM location WHERE code = $\(index))))"
    }

    public func find(_ query: UnitQuery) async throws -> [UnitState] {
        let products = query.attributes.isEmpty ? [] : try await products()
        var conditions = ["u.status != 'voided'"]
        var binds = PostgresBindings()
        func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let sku = query.sku { conditions.append("u.sku = \(bind(sku))") }
        if let status = query.status { conditions.append("u.status = \(bind(status.rawValue))") }
        if let lot = query.lot { conditions.append("u.lot = \(bind(lot))") }
        if let code = query.location {
            let placeholder = bind(code)
            conditions.append("u.location IN \(Self.subtree(Int(placeholder.dropFirst())!))")
        }
        for (key, value) in query.attributes.sorted(by: { $0.key < $1.key }) {
            let productSKUs = products.filter { $0.attributes[key] == value }.map(\.sku)
            var alternatives = [
                "EXISTS (SELECT 1 FROM unit_attribute a WHERE a.key = \(bind(key)) AND a.value = \(bind(value)) AND a.unit_id = u.id)"
            ]
            if !productSKUs.isEmpty { alternatives.append("u.sku = ANY(\(bind(productSKUs)))") }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let after = query.after {
            conditions.append("(u.sku, u.serial) > (\(bind(after.sku)), \(bind(after.serial)))")
        }
        let limit = bind(query.limit)
        let sql = """
            SELECT \(Self.unitColumns) FROM unit u WHERE \(conditions.joined(separator: " AND "))
            ORDER BY u.sku, u.serial LIMIT \(limit)
            """
        return try await units(PostgresQuery(unsafeSQL: sql, binds: binds))
    }

    public func stock(_ query: StockQuery) async throws -> [StockLine] {
        var conditions = ["status != 'voided'"]
        var binds = PostgresBindings()
        if let sku = query.sku {
            binds.append(sku)
            conditions.append("sku = $\(binds.count)")
        }
        if let status = query.status {
            binds.append(status.rawValue)
            conditions.append("status = $\(binds.count)")
        }
        if let code = query.location {
            binds.append(code)
            conditions.append("location IN \(Self.subtree(binds.count))")
        }
        conditions.append("count > 0")
        let sql = """
            SELECT sku, location, status, count FROM unit_count WHERE \(conditions.joined(separator: " AND "))
            ORDER BY sku, location, status
            """
        return try await translating {
            var lines: [StockLine] = []
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await (sku, location, text, count) in rows.decode((String, String, String, Int64).self) {
                guard let status = UnitStatus(rawValue: text) else {
                    throw StoreError(
                        .corrupt, "a unit has an unknown status '\(text)'; the store was edited outside Unitrace")
                }
                lines.append(StockLine(sku: sku, location: location, status: status, count: Int(count)))
            }
            return lines
        }
    }

    public func allUnits(after key: UnitKey?, limit: Int) async throws -> [UnitState] {
        if let key {
            return try await units(
                "SELECT \(unescaped: Self.unitColumns) FROM unit u WHERE (u.sku, u.serial) > (\(key.sku), \(key.serial)) ORDER BY u.sku, u.serial LIMIT \(limit)"
            )
        }
        return try await units(
            "SELECT \(unescaped: Self.unitColumns) FROM unit u ORDER BY u.sku, u.serial LIMIT \(limit)")
    }

    public func indexEntries(after key: UnitKey?, limit: Int) async throws -> [UnitIndexEntry] {
        let select = """
            SELECT u.sku, u.serial,
                coalesce((SELECT json_agg(json_build_array(a.kind, a.value)) FROM alias a WHERE a.unit_id = u.id)::text, '[]'),
                coalesce((SELECT json_agg(json_build_array(t.key, t.value)) FROM unit_attribute t WHERE t.unit_id = u.id)::text, '[]')
            FROM unit u
            """
        let query: PostgresQuery =
            if let key {
                "\(unescaped: select) WHERE (u.sku, u.serial) > (\(key.sku), \(key.serial)) ORDER BY u.sku, u.serial LIMIT \(limit)"
            } else {
                "\(unescaped: select) ORDER BY u.sku, u.serial LIMIT \(limit)"
            }
        return try await translating {
            var entries: [UnitIndexEntry] = []
            for try await (sku, serial, aliases, attributes) in try await client.query(query, logger: logger).decode(
                (String, String, String, String).self)
            {
                entries.append(
                    try UnitIndexEntry(
                        key: UnitKey(sku: sku, serial: serial), aliasPairs: aliases, attributePairs: attributes))
            }
            return entries
        }
    }

    public func strayIndexRows() async throws -> Int {
        try await translating {
            let rows = try await client.query(
                """
                SELECT (SELECT count(*) FROM alias WHERE unit_id NOT IN (SELECT id FROM unit))
                    + (SELECT count(*) FROM unit_attribute WHERE unit_id NOT IN (SELECT id FROM unit))
                    + (SELECT count(*) FROM event_unit WHERE unit_id NOT IN (SELECT id FROM unit))
                """, logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }
}
