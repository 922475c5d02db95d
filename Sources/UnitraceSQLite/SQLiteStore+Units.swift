import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    /// ``subtreeCodes`` as a subquery, for `location IN`.
    static let subtree = "(\(subtreeCodes))"

    /// The codes of the location bound to `?` and of every location beneath it: its path is their prefix.
    static let subtreeCodes = """
        SELECT l.code FROM location l, location top
            WHERE top.code = ? AND substr(l.path, 1, length(top.path)) = top.path
        """

    public func states(of units: Set<UnitKey>) async throws -> [UnitKey: UnitState] {
        try await read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(UnitRow.columns) FROM unit u WHERE u.sku = ? AND u.serial = ?")
            var result: [UnitKey: UnitState] = [:]
            result.reserveCapacity(units.count)
            for key in units {
                if let row = try Row.fetchOne(statement, arguments: [key.sku, key.serial]) {
                    result[key] = try UnitRow.state(row)
                }
            }
            return result
        }
    }

    public func candidates(for scans: Set<String>) async throws -> [String: [UnitKey]] {
        try await read { db in
            let bySerial = try db.cachedStatement(
                sql: "SELECT sku, serial FROM unit WHERE serial = ? AND status != 'voided'")
            let byAlias = try db.cachedStatement(
                sql: "SELECT u.sku, u.serial FROM alias a JOIN unit u ON u.id = a.unit_id WHERE a.value = ?")
            var result: [String: [UnitKey]] = [:]
            for scan in scans {
                var found: [UnitKey] = []
                for statement in [bySerial, byAlias] {
                    for row in try Row.fetchAll(statement, arguments: [scan]) {
                        let key = UnitKey(sku: row[0], serial: row[1])
                        if !found.contains(key) { found.append(key) }
                    }
                }
                if !found.isEmpty { result[scan] = found }
            }
            return result
        }
    }

    public func aliasOwners(of values: Set<String>) async throws -> [String: UnitKey] {
        try await read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT u.sku, u.serial FROM alias a JOIN unit u ON u.id = a.unit_id WHERE a.value = ?")
            var result: [String: UnitKey] = [:]
            for value in values {
                if let row = try Row.fetchOne(statement, arguments: [value]) {
                    result[value] = UnitKey(sku: row[0], serial: row[1])
                }
            }
            return result
        }
    }

    public func find(_ query: UnitQuery) async throws -> [UnitState] {
        let products = query.attributes.isEmpty ? [] : try await products()
        return try await scan { db in
            var conditions = ["u.status != 'voided'"]
            var arguments: [any DatabaseValueConvertible] = []
            if let sku = query.sku {
                conditions.append("u.sku = ?")
                arguments.append(sku)
            }
            if let status = query.status {
                conditions.append("u.status = ?")
                arguments.append(status.rawValue)
            }
            if let lot = query.lot {
                conditions.append("u.lot = ?")
                arguments.append(lot)
            }
            if let code = query.location {
                conditions.append("u.location IN \(Self.subtree)")
                arguments.append(code)
            }
            for (key, value) in query.attributes.sorted(by: { $0.key < $1.key }) {
                let productSKUs = products.filter { $0.attributes[key] == value }.map(\.sku)
                // EXISTS walks the product's units in order and stops at the limit; IN would first collect every
                // unit with the attribute (a hundred thousand of them in a store of a million).
                var alternatives = [
                    "EXISTS (SELECT 1 FROM unit_attribute a WHERE a.key = ? AND a.value = ? AND a.unit_id = u.id)"
                ]
                arguments.append(key)
                arguments.append(value)
                if !productSKUs.isEmpty {
                    alternatives.append(
                        "u.sku IN (\(Array(repeating: "?", count: productSKUs.count).joined(separator: ", ")))")
                    arguments.append(contentsOf: productSKUs as [any DatabaseValueConvertible])
                }
                conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
            }
            if let after = query.after {
                conditions.append("(u.sku, u.serial) > (?, ?)")
                arguments.append(after.sku)
                arguments.append(after.serial)
            }
            arguments.append(query.limit)
            let sql = """
                SELECT \(UnitRow.columns) FROM unit u
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY u.sku, u.serial LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
                try UnitRow.state($0)
            }
        }
    }

    public func stock(_ query: StockQuery) async throws -> [StockLine] {
        try await scan { db in
            var conditions = ["status != 'voided'"]
            var arguments: [any DatabaseValueConvertible] = []
            if let sku = query.sku {
                conditions.append("sku = ?")
                arguments.append(sku)
            }
            if let status = query.status {
                conditions.append("status = ?")
                arguments.append(status.rawValue)
            }
            if let code = query.location {
                conditions.append("location IN \(Self.subtree)")
                arguments.append(code)
            }
            conditions.append("count > 0")
            let sql = """
                SELECT sku, location, status, count FROM unit_count
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY sku, location, status
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                let text: String = row[2]
                guard let status = UnitStatus(rawValue: text) else {
                    throw StoreError(
                        .corrupt, "a unit has an unknown status '\(text)'; the store was edited outside Unitrace")
                }
                return StockLine(sku: row[0], location: row[1], status: status, count: row[3])
            }
        }
    }

    public func allUnits(after key: UnitKey?, limit: Int) async throws -> [UnitState] {
        try await scan { db in
            let rows: [Row]
            if let key {
                rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(UnitRow.columns) FROM unit u WHERE (u.sku, u.serial) > (?, ?) ORDER BY u.sku, u.serial LIMIT ?",
                    arguments: [key.sku, key.serial, limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT \(UnitRow.columns) FROM unit u ORDER BY u.sku, u.serial LIMIT ?",
                    arguments: [limit])
            }
            return try rows.map { try UnitRow.state($0) }
        }
    }

    public func indexEntries(after key: UnitKey?, limit: Int) async throws -> [UnitIndexEntry] {
        try await scan { db in
            let select = """
                SELECT u.sku, u.serial,
                    (SELECT json_group_array(json_array(a.kind, a.value)) FROM alias a WHERE a.unit_id = u.id),
                    (SELECT json_group_array(json_array(t.key, t.value)) FROM unit_attribute t WHERE t.unit_id = u.id)
                FROM unit u
                """
            let rows: [Row]
            if let key {
                rows = try Row.fetchAll(
                    db, sql: select + " WHERE (u.sku, u.serial) > (?, ?) ORDER BY u.sku, u.serial LIMIT ?",
                    arguments: [key.sku, key.serial, limit])
            } else {
                rows = try Row.fetchAll(db, sql: select + " ORDER BY u.sku, u.serial LIMIT ?", arguments: [limit])
            }
            return try rows.map { row in
                try UnitIndexEntry(
                    key: UnitKey(sku: row[0], serial: row[1]), aliasPairs: row[2], attributePairs: row[3])
            }
        }
    }

    public func strayIndexRows() async throws -> Int {
        try await scan { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM alias WHERE unit_id NOT IN (SELECT id FROM unit))
                        + (SELECT count(*) FROM unit_attribute WHERE unit_id NOT IN (SELECT id FROM unit))
                        + (SELECT count(*) FROM event_unit WHERE unit_id NOT IN (SELECT id FROM unit))
                    """) ?? 0
        }
    }
}
