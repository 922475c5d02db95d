import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    /// What `stock_level.expiry` holds for a lot without an expiry: after every date, so it is picked last.
    static let noExpiry = "9999-12-31"

    static func insertLot(_ lot: Lot, _ db: Database) throws {
        do {
            try db.execute(
                sql: """
                    INSERT INTO lot (sku, code, made_on, expiry, best_before, supplier, run, inputs)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    lot.sku, lot.code, lot.madeOn?.description, lot.expiry?.description, lot.bestBefore?.description,
                    lot.supplier, lot.run, try lot.inputs.map(StoredForms.json),
                ])
            for input in Set((lot.inputs ?? []).map { LotKey(sku: $0.sku, code: $0.lot ?? "") }) {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO lot_input (input_sku, input_lot, sku, code) VALUES (?, ?, ?, ?)",
                    arguments: [input.sku, input.code, lot.sku, lot.code])
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError(.conflict, "lot \(lot.code) of \(lot.sku) was defined meanwhile; try again")
        }
    }

    /// Adds a movement to its row; a negative one only if the row holds enough, else `conflict`.
    static func applyStock(_ movement: StockMovement, _ db: Database) throws {
        let key = movement.key
        let arguments: [any DatabaseValueConvertible] = [key.sku, key.lot, key.location, key.state.rawValue]
        if movement.delta > .zero {
            try db.cachedStatement(
                sql: """
                    INSERT INTO stock_level (sku, lot, location, state, quantity, expiry)
                    VALUES (?, ?, ?, ?, ?, coalesce((SELECT expiry FROM lot WHERE sku = ? AND code = ?), '\(noExpiry)'))
                    ON CONFLICT (sku, lot, location, state) DO UPDATE SET quantity = quantity + excluded.quantity
                    """
            ).execute(arguments: StatementArguments(arguments + [movement.delta.thousandths, key.sku, key.lot]))
            return
        }
        let taken = -movement.delta.thousandths
        try db.cachedStatement(
            sql: """
                UPDATE stock_level SET quantity = quantity - ?
                WHERE sku = ? AND lot = ? AND location = ? AND state = ? AND quantity > ?
                """
        ).execute(arguments: StatementArguments([taken] + arguments + [taken]))
        if db.changesCount == 1 { return }
        try db.cachedStatement(
            sql: "DELETE FROM stock_level WHERE sku = ? AND lot = ? AND location = ? AND state = ? AND quantity = ?"
        ).execute(arguments: StatementArguments(arguments + [taken]))
        guard db.changesCount == 1 else {
            throw StoreError(.conflict, "\(key) holds less than \(-movement.delta) now; try again")
        }
    }

    static func addSale(_ key: SalesKey, _ quantity: Quantity, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO sales_day (sku, day, location, channel, quantity) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (sku, day, location, channel) DO UPDATE SET quantity = quantity + excluded.quantity
                """
        ).execute(arguments: [key.sku, key.day.description, key.location, key.channel, quantity.thousandths])
    }

    /// Writes whole projections into empty tables (a migration, a rebuild).
    static func writeStock(_ db: Database, _ totals: Projections.StockTotals) throws {
        for (_, lot) in totals.lots.sorted(by: { $0.key < $1.key }) { try insertLot(lot, db) }
        for (key, quantity) in totals.levels.sorted(by: { $0.key < $1.key }) where quantity > .zero {
            try applyStock(StockMovement(key: key, delta: quantity, line: 0), db)
        }
        for (key, quantity) in totals.sales { try addSale(key, quantity, db) }
    }

    static func level(_ row: Row) throws -> StockLevel {
        guard let state = StockState(rawValue: row[3]) else {
            throw StoreError(.corrupt, "a stock row has an unreadable state; the store was edited outside Unitrace")
        }
        let expiry: String = row[5]
        return StockLevel(
            key: StockKey(sku: row[0], lot: row[1], location: row[2], state: state),
            quantity: Quantity(thousandths: row[4]),
            expiry: expiry == noExpiry ? nil : try? CalendarDay(parsing: expiry))
    }

    static let levelColumns = "sku, lot, location, state, quantity, expiry"

    static func lot(_ row: Row) -> Lot {
        func day(_ index: Int) -> CalendarDay? { (row[index] as String?).flatMap { try? CalendarDay(parsing: $0) } }
        return Lot(
            sku: row[0], code: row[1], madeOn: day(2), expiry: day(3), bestBefore: day(4), supplier: row[5],
            run: row[6],
            inputs: (row[7] as String?).flatMap { try? JSONDecoder().decode([QuantityLine].self, from: Data($0.utf8)) })
    }

    static let lotColumns = "sku, code, made_on, expiry, best_before, supplier, run, inputs"

    public func lots(madeFrom input: LotKey) async throws -> [LotKey] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT sku, code FROM lot_input WHERE input_sku = ? AND input_lot = ? ORDER BY sku, code",
                arguments: [input.sku, input.code]
            ).map { LotKey(sku: $0[0], code: $0[1]) }
        }
    }

    public func lots(_ keys: Set<LotKey>) async throws -> [LotKey: Lot] {
        try await read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(Self.lotColumns) FROM lot WHERE sku = ? AND code = ?"
            )
            var found: [LotKey: Lot] = [:]
            for key in keys {
                if let row = try Row.fetchOne(statement, arguments: [key.sku, key.code]) { found[key] = Self.lot(row) }
            }
            return found
        }
    }

    public func lots(sku: String) async throws -> [Lot] {
        try await scan { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.lotColumns) FROM lot WHERE sku = ? ORDER BY code",
                arguments: [sku]
            ).map(Self.lot)
        }
    }

    public func stockLevels(of keys: Set<StockKey>) async throws -> [StockKey: Quantity] {
        try await read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT quantity FROM stock_level WHERE sku = ? AND lot = ? AND location = ? AND state = ?")
            var found: [StockKey: Quantity] = [:]
            for key in keys {
                if let value = try Int64.fetchOne(
                    statement, arguments: [key.sku, key.lot, key.location, key.state.rawValue])
                {
                    found[key] = Quantity(thousandths: value)
                }
            }
            return found
        }
    }

    public func stockLevels(_ query: QuantityQuery) async throws -> [StockLevel] {
        try await scan { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let sku = query.sku {
                conditions.append("sku = ?")
                arguments.append(sku)
            }
            if let lot = query.lot {
                conditions.append("lot = ?")
                arguments.append(lot)
            }
            if let state = query.state {
                conditions.append("state = ?")
                arguments.append(state.rawValue)
            }
            if !query.locations.isEmpty {
                conditions.append(
                    "location IN (\(Array(repeating: "?", count: query.locations.count).joined(separator: ",")))")
                arguments += query.locations
            }
            let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.levelColumns) FROM stock_level \(condition) ORDER BY sku, lot, location, state",
                arguments: StatementArguments(arguments)
            ).map(Self.level)
        }
    }

    public func pickCandidates(
        sku: String, under location: String?, notExpiredBefore day: CalendarDay, after cursor: PickCursor?,
        limit: Int
    ) async throws -> [StockLevel] {
        try await read { db in
            var locations: [String] = []
            if let location {
                locations = try String.fetchAll(db, sql: Self.subtreeCodes, arguments: [location])
                guard !locations.isEmpty else { return [] }
            }
            var conditions = ["sku = ?", "state = 'available'", "expiry >= ?"]
            var arguments: [any DatabaseValueConvertible] = [sku, day.description]
            if let cursor {
                conditions.append("(expiry, lot, location) > (?, ?, ?)")
                arguments += [cursor.expiry?.description ?? Self.noExpiry, cursor.lot, cursor.location]
            }
            if !locations.isEmpty {
                conditions.append(
                    "location IN (\(Array(repeating: "?", count: locations.count).joined(separator: ",")))")
                arguments += locations
            }
            arguments.append(limit)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.levelColumns) FROM stock_level
                        INDEXED BY \(!locations.isEmpty && locations.count <= 16 ? "stock_level_pick_at" : "stock_level_pick")
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY expiry, lot, location LIMIT ?
                    """,
                arguments: StatementArguments(arguments)
            ).map(Self.level)
        }
    }

    public func expiring(through day: CalendarDay, limit: Int) async throws -> [ExpiringStock] {
        try await scan { db in
            var found: [ExpiringStock] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.levelColumns) FROM stock_level WHERE state = 'available' AND expiry <= ?
                    ORDER BY expiry, sku, lot, location LIMIT ?
                    """, arguments: [day.description, limit])
            {
                let level = try Self.level(row)
                guard let expiry = level.expiry else { continue }
                found.append(
                    ExpiringStock(
                        sku: level.key.sku, lot: level.key.lot, location: level.key.location, expiry: expiry,
                        quantity: level.quantity, units: false))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT sku, coalesce(lot, ''), location, expiry, count(*) FROM unit
                    WHERE expiry IS NOT NULL AND expiry <= ? AND status IN ('in-stock', 'returned', 'quarantined')
                    GROUP BY sku, lot, location, expiry ORDER BY expiry, sku, lot, location LIMIT ?
                    """, arguments: [day.description, limit])
            {
                guard let expiry = try? CalendarDay(parsing: row[3]) else { continue }
                found.append(
                    ExpiringStock(
                        sku: row[0], lot: row[1], location: row[2], expiry: expiry,
                        quantity: Quantity(whole: row[4]), units: true))
            }
            return found
        }
    }

    public func allStockLevels(after key: StockKey?, limit: Int) async throws -> [StockLevel] {
        try await scan { db in
            if let key {
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Self.levelColumns) FROM stock_level WHERE (sku, lot, location, state) > (?, ?, ?, ?)
                        ORDER BY sku, lot, location, state LIMIT ?
                        """, arguments: [key.sku, key.lot, key.location, key.state.rawValue, limit]
                ).map(Self.level)
            }
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.levelColumns) FROM stock_level ORDER BY sku, lot, location, state LIMIT ?",
                arguments: [limit]
            ).map(Self.level)
        }
    }

    public func replaceStock(with totals: Projections.StockTotals) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM stock_level; DELETE FROM sales_day; DELETE FROM lot; DELETE FROM lot_input")
            try Self.writeStock(db, totals)
        }
    }

    public func sales(sku: String?, days: ClosedRange<CalendarDay>) async throws -> [SalesKey: Quantity] {
        try await scan { db in
            var sql = "SELECT sku, day, location, channel, quantity FROM sales_day WHERE day BETWEEN ? AND ?"
            var arguments: [any DatabaseValueConvertible] = [days.lowerBound.description, days.upperBound.description]
            if let sku {
                sql += " AND sku = ?"
                arguments.append(sku)
            }
            return try Self.salesRows(Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)))
        }
    }

    public func allSales() async throws -> [SalesKey: Quantity] {
        try await scan { db in
            try Self.salesRows(Row.fetchAll(db, sql: "SELECT sku, day, location, channel, quantity FROM sales_day"))
        }
    }

    private static func salesRows(_ rows: [Row]) -> [SalesKey: Quantity] {
        var found: [SalesKey: Quantity] = [:]
        for row in rows {
            guard let day = try? CalendarDay(parsing: row[1]) else { continue }
            found[SalesKey(sku: row[0], day: day, location: row[2], channel: row[3])] = Quantity(thousandths: row[4])
        }
        return found
    }

    public func setReorderRule(_ rule: ReorderRule) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO reorder_rule (sku, location, point, quantity) VALUES (?, ?, ?, ?)
                    ON CONFLICT (sku, location) DO UPDATE SET point = excluded.point, quantity = excluded.quantity
                    """,
                arguments: [rule.sku, rule.location, rule.point.thousandths, rule.quantity.thousandths])
        }
    }

    public func reorderRules() async throws -> [ReorderRule] {
        try await scan { db in
            try Row.fetchAll(db, sql: "SELECT sku, location, point, quantity FROM reorder_rule ORDER BY sku, location")
                .map { row in
                    ReorderRule(
                        sku: row[0], location: row[1], point: Quantity(thousandths: row[2]),
                        quantity: Quantity(thousandths: row[3]))
                }
        }
    }
}

extension SQLiteStore {
    static func addUnitCount(_ key: UnitCountKey, _ delta: Int, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO unit_count (sku, location, status, count) VALUES (?, ?, ?, ?)
                ON CONFLICT (sku, location, status) DO UPDATE SET count = count + excluded.count
                """
        ).execute(arguments: [key.sku, key.location, key.status.rawValue, delta])
        if delta < 0 {
            try db.cachedStatement(
                sql: "DELETE FROM unit_count WHERE sku = ? AND location = ? AND status = ? AND count = 0"
            ).execute(arguments: [key.sku, key.location, key.status.rawValue])
        }
    }

    public func unitCounts() async throws -> [UnitCountKey: Int] {
        try await scan { db in
            var counts: [UnitCountKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sku, location, status, count FROM unit_count") {
                guard let status = UnitStatus(rawValue: row[2]) else {
                    throw StoreError(
                        .corrupt, "the unit tally has an unknown status; the store was edited outside Unitrace")
                }
                counts[UnitCountKey(sku: row[0], location: row[1], status: status)] = row[3]
            }
            return counts
        }
    }

    public func recountUnits() async throws {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM unit_count;
                    INSERT INTO unit_count (sku, location, status, count)
                        SELECT sku, location, status, count(*) FROM unit GROUP BY sku, location, status;
                    """)
        }
    }
}
