import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    /// What `stock_level.expiry` holds for a lot without an expiry: after every date, so it is picked last.
    static let noExpiry = "9999-12-31"

    static func insertLot(_ lot: Lot, on connection: PostgresConnection, logger: Logger) async throws {
        let inserted = try await connection.query(
            """
            INSERT INTO lot (sku, code, made_on, expiry, best_before, supplier, run, inputs)
            VALUES (\(lot.sku), \(lot.code), \(lot.madeOn?.description), \(lot.expiry?.description),
                \(lot.bestBefore?.description), \(lot.supplier), \(lot.run), \(try lot.inputs.map(StoredForms.json)))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger
        ).collect()
        guard inserted.count == 1 else {
            throw StoreError(.conflict, "lot \(lot.code) of \(lot.sku) was defined meanwhile; try again")
        }
        for input in Set((lot.inputs ?? []).map { LotKey(sku: $0.sku, code: $0.lot ?? "") }) {
            try await connection.query(
                """
                INSERT INTO lot_input (input_sku, input_lot, sku, code)
                VALUES (\(input.sku), \(input.code), \(lot.sku), \(lot.code)) ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    /// Adds a movement to its row; a negative one only if the row holds enough, else `conflict`.
    static func applyStock(_ movement: StockMovement, on connection: PostgresConnection, logger: Logger) async throws {
        let key = movement.key
        let state = key.state.rawValue
        if movement.delta > .zero {
            try await connection.query(
                """
                INSERT INTO stock_level (sku, lot, location, state, quantity, expiry)
                VALUES (\(key.sku), \(key.lot), \(key.location), \(state), \(movement.delta.thousandths),
                    coalesce((SELECT expiry FROM lot WHERE sku = \(key.sku) AND code = \(key.lot)), \(noExpiry)))
                ON CONFLICT (sku, lot, location, state) DO UPDATE SET quantity = stock_level.quantity + excluded.quantity
                """, logger: logger)
            return
        }
        let taken = -movement.delta.thousandths
        let updated = try await connection.query(
            """
            UPDATE stock_level SET quantity = quantity - \(taken)
            WHERE sku = \(key.sku) AND lot = \(key.lot) AND location = \(key.location) AND state = \(state)
                AND quantity > \(taken)
            RETURNING 1
            """, logger: logger
        ).collect()
        if updated.count == 1 { return }
        let deleted = try await connection.query(
            """
            DELETE FROM stock_level
            WHERE sku = \(key.sku) AND lot = \(key.lot) AND location = \(key.location) AND state = \(state)
                AND quantity = \(taken)
            RETURNING 1
            """, logger: logger
        ).collect()
        guard deleted.count == 1 else {
            throw StoreError(.conflict, "\(key) holds less than \(-movement.delta) now; try again")
        }
    }

    static func addSale(_ key: SalesKey, _ quantity: Quantity, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.query(
            """
            INSERT INTO sales_day (sku, day, location, channel, quantity)
            VALUES (\(key.sku), \(key.day.description), \(key.location), \(key.channel), \(quantity.thousandths))
            ON CONFLICT (sku, day, location, channel) DO UPDATE SET quantity = sales_day.quantity + excluded.quantity
            """, logger: logger)
    }

    static func writeStock(_ totals: Projections.StockTotals, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        for (_, lot) in totals.lots.sorted(by: { $0.key < $1.key }) {
            try await insertLot(lot, on: connection, logger: logger)
        }
        for (key, quantity) in totals.levels.sorted(by: { $0.key < $1.key }) where quantity > .zero {
            try await applyStock(StockMovement(key: key, delta: quantity, line: 0), on: connection, logger: logger)
        }
        for (key, quantity) in totals.sales { try await addSale(key, quantity, on: connection, logger: logger) }
    }

    /// Fills the quantity and sales projections from the events already in the ledger (migration 0007).
    static func fillStock(on connection: PostgresConnection, logger: Logger) async throws {
        var totals = Projections.StockTotals()
        var after: Int64 = 0
        while true {
            var page: [RecordedEvent] = []
            var index: [Int64: Int] = [:]
            for try await (sequence, header, hash) in try await connection.query(
                """
                SELECT sequence, header, hash FROM event
                WHERE sequence > \(after) AND (kind = 'sell' OR header LIKE '%"quantities":%' OR header LIKE '%"lots":%')
                ORDER BY sequence LIMIT 1000
                """, logger: logger
            ).decode((Int64, String, ByteBuffer).self) {
                index[sequence] = page.count
                page.append(
                    try StoredForms.recorded(sequence: sequence, header: header, hash: Array(hash.readableBytesView)))
            }
            guard let last = page.last?.sequence else { break }
            for try await (sequence, sku, serial) in try await connection.query(
                """
                SELECT eu.sequence, u.sku, u.serial FROM event_unit eu JOIN unit u ON u.id = eu.unit_id
                WHERE eu.sequence = ANY(\(page.map(\.sequence))) ORDER BY eu.sequence, eu.line
                """, logger: logger
            ).decode((Int64, String, String).self) {
                if let position = index[sequence] {
                    page[position].event.units.append(EventLine(unit: UnitKey(sku: sku, serial: serial)))
                }
            }
            for recorded in page { totals.add(recorded.event) }
            after = last
        }
        try await writeStock(totals, on: connection, logger: logger)
    }

    typealias LevelColumns = (String, String, String, String, Int64, String)
    static let levelColumns = "sku, lot, location, state, quantity, expiry"

    static func level(_ c: LevelColumns) throws -> StockLevel {
        guard let state = StockState(rawValue: c.3) else {
            throw StoreError(.corrupt, "a stock row has an unreadable state; the store was edited outside Unitrace")
        }
        return StockLevel(
            key: StockKey(sku: c.0, lot: c.1, location: c.2, state: state), quantity: Quantity(thousandths: c.4),
            expiry: c.5 == noExpiry ? nil : try? CalendarDay(parsing: c.5))
    }

    private func levels(_ sql: String, _ binds: PostgresBindings) async throws -> [StockLevel] {
        try await translating {
            var found: [StockLevel] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                .decode(LevelColumns.self)
            {
                found.append(try Self.level(row))
            }
            return found
        }
    }

    public func lots(_ keys: Set<LotKey>) async throws -> [LotKey: Lot] {
        guard !keys.isEmpty else { return [:] }
        let ordered = Array(keys)
        var found: [LotKey: Lot] = [:]
        for lot in try await lots(
            where: "(sku, code) IN (SELECT * FROM unnest($1::text[], $2::text[]))", ordered.map(\.sku),
            ordered.map(\.code))
        {
            found[LotKey(sku: lot.sku, code: lot.code)] = lot
        }
        return found
    }

    public func lots(sku: String) async throws -> [Lot] {
        try await lots(where: "sku = $1", [sku], nil)
    }

    public func lots(madeFrom input: LotKey) async throws -> [LotKey] {
        try await translating {
            var found: [LotKey] = []
            for try await (sku, code) in try await client.query(
                """
                SELECT sku, code FROM lot_input WHERE input_sku = \(input.sku) AND input_lot = \(input.code)
                ORDER BY sku, code
                """, logger: logger
            ).decode((String, String).self) {
                found.append(LotKey(sku: sku, code: code))
            }
            return found
        }
    }

    private func lots(where condition: String, _ first: [String], _ second: [String]?) async throws -> [Lot] {
        try await translating {
            var binds = PostgresBindings()
            if second == nil { binds.append(first[0]) } else { binds.append(first) }
            if let second { binds.append(second) }
            var found: [Lot] = []
            for try await (sku, code, madeOn, expiry, bestBefore, supplier, run, inputs) in try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT sku, code, made_on, expiry, best_before, supplier, run, inputs FROM lot
                        WHERE \(condition) ORDER BY sku, code
                        """, binds: binds), logger: logger
            ).decode((String, String, String?, String?, String?, String?, String?, String?).self) {
                func day(_ text: String?) -> CalendarDay? { text.flatMap { try? CalendarDay(parsing: $0) } }
                found.append(
                    Lot(
                        sku: sku, code: code, madeOn: day(madeOn), expiry: day(expiry), bestBefore: day(bestBefore),
                        supplier: supplier, run: run,
                        inputs: inputs.flatMap { try? JSONDecoder().decode([QuantityLine].self, from: Data($0.utf8)) }))
            }
            return found
        }
    }

    public func stockLevels(of keys: Set<StockKey>) async throws -> [StockKey: Quantity] {
        guard !keys.isEmpty else { return [:] }
        let ordered = Array(keys)
        var binds = PostgresBindings()
        binds.append(ordered.map(\.sku))
        binds.append(ordered.map(\.lot))
        binds.append(ordered.map(\.location))
        binds.append(ordered.map(\.state.rawValue))
        var found: [StockKey: Quantity] = [:]
        for level in try await levels(
            """
            SELECT \(Self.levelColumns) FROM stock_level
            WHERE (sku, lot, location, state) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]))
            """, binds)
        {
            found[level.key] = level.quantity
        }
        return found
    }

    public func stockLevels(_ query: QuantityQuery) async throws -> [StockLevel] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let sku = query.sku {
            binds.append(sku)
            conditions.append("sku = $\(binds.count)")
        }
        if let lot = query.lot {
            binds.append(lot)
            conditions.append("lot = $\(binds.count)")
        }
        if let state = query.state {
            binds.append(state.rawValue)
            conditions.append("state = $\(binds.count)")
        }
        if !query.locations.isEmpty {
            binds.append(query.locations)
            conditions.append("location = ANY($\(binds.count))")
        }
        let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await levels(
            "SELECT \(Self.levelColumns) FROM stock_level \(condition) ORDER BY sku, lot, location, state", binds)
    }

    public func pickCandidates(
        sku: String, under location: String?, notExpiredBefore day: CalendarDay, after cursor: PickCursor?,
        limit: Int
    ) async throws -> [StockLevel] {
        var binds = PostgresBindings()
        binds.append(sku)
        binds.append(day.description)
        var conditions = ["sku = $1", "state = 'available'", "expiry >= $2"]
        if let cursor {
            binds.append(cursor.expiry?.description ?? Self.noExpiry)
            binds.append(cursor.lot)
            binds.append(cursor.location)
            conditions.append("(expiry, lot, location) > ($3, $4, $5)")
        }
        binds.append(limit)
        let limit = "$\(binds.count)"
        guard let location else {
            return try await levels(
                """
                SELECT \(Self.levelColumns) FROM stock_level WHERE \(conditions.joined(separator: " AND "))
                ORDER BY expiry, lot, location LIMIT \(limit)
                """, binds)
        }
        binds.append(location)
        // One statement whatever the size of the subtree, and the plan that suits it: a few places (a bin, an
        // aisle) are each read in expiry order from (sku, location, state, expiry, lot) and merged; many (a
        // site) are filtered while (sku, state, expiry, lot, location) is walked, which stops at the limit.
        // Only the branch that suits runs: each is gated by a one-time test of the subtree's size.
        let filter = conditions.joined(separator: " AND ")
        return try await levels(
            """
            WITH places AS MATERIALIZED (\(Self.subtree(binds.count))),
                few AS (SELECT count(*) <= \(Self.fewPlaces) AS yes FROM places)
            SELECT \(Self.levelColumns) FROM (
                SELECT s.* FROM places p CROSS JOIN LATERAL (
                    SELECT \(Self.levelColumns) FROM stock_level WHERE \(filter) AND location = p.code
                    ORDER BY expiry, lot LIMIT \(limit)) s
                WHERE (SELECT yes FROM few)
                UNION ALL
                (SELECT \(Self.levelColumns) FROM stock_level
                WHERE \(filter) AND location = ANY(ARRAY(SELECT code FROM places)) AND NOT (SELECT yes FROM few)
                ORDER BY expiry, lot, location LIMIT \(limit))
            ) found ORDER BY expiry, lot, location LIMIT \(limit)
            """, binds)
    }

    /// Up to how many places a pick reads place by place.
    static let fewPlaces = 16

    public func expiring(through day: CalendarDay, limit: Int) async throws -> [ExpiringStock] {
        var binds = PostgresBindings()
        binds.append(day.description)
        binds.append(limit)
        var found: [ExpiringStock] = []
        for level in try await levels(
            """
            SELECT \(Self.levelColumns) FROM stock_level WHERE state = 'available' AND expiry <= $1
            ORDER BY expiry, sku, lot, location LIMIT $2
            """, binds)
        {
            guard let expiry = level.expiry else { continue }
            found.append(
                ExpiringStock(
                    sku: level.key.sku, lot: level.key.lot, location: level.key.location, expiry: expiry,
                    quantity: level.quantity, units: false))
        }
        try await translating {
            for try await (sku, lot, location, expiry, count) in try await client.query(
                """
                SELECT sku, coalesce(lot, ''), location, expiry, count(*) FROM unit
                WHERE expiry IS NOT NULL AND expiry <= \(day.description)
                    AND status IN ('in-stock', 'returned', 'quarantined')
                GROUP BY sku, lot, location, expiry ORDER BY expiry, sku, 2, location LIMIT \(limit)
                """, logger: logger
            ).decode((String, String, String, String, Int64).self) {
                guard let expiry = try? CalendarDay(parsing: expiry) else { continue }
                found.append(
                    ExpiringStock(
                        sku: sku, lot: lot, location: location, expiry: expiry, quantity: Quantity(whole: count),
                        units: true))
            }
        }
        return found
    }

    public func allStockLevels(after key: StockKey?, limit: Int) async throws -> [StockLevel] {
        var binds = PostgresBindings()
        var condition = ""
        if let key {
            binds.append(key.sku)
            binds.append(key.lot)
            binds.append(key.location)
            binds.append(key.state.rawValue)
            condition = "WHERE (sku, lot, location, state) > ($1, $2, $3, $4)"
        }
        binds.append(limit)
        return try await levels(
            """
            SELECT \(Self.levelColumns) FROM stock_level \(condition)
            ORDER BY sku, lot, location, state LIMIT $\(binds.count)
            """, binds)
    }

    public func replaceStock(with totals: Projections.StockTotals) async throws {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM stock_level", logger: logger)
                try await connection.query("DELETE FROM sales_day", logger: logger)
                try await connection.query("DELETE FROM lot", logger: logger)
                try await connection.query("DELETE FROM lot_input", logger: logger)
                try await Self.writeStock(totals, on: connection, logger: logger)
            }
        }
    }

    public func sales(sku: String?, days: ClosedRange<CalendarDay>) async throws -> [SalesKey: Quantity] {
        var binds = PostgresBindings()
        binds.append(days.lowerBound.description)
        binds.append(days.upperBound.description)
        var sql = "SELECT sku, day, location, channel, quantity FROM sales_day WHERE day BETWEEN $1 AND $2"
        if let sku {
            binds.append(sku)
            sql += " AND sku = $3"
        }
        return try await salesRows(sql, binds)
    }

    public func allSales() async throws -> [SalesKey: Quantity] {
        try await salesRows("SELECT sku, day, location, channel, quantity FROM sales_day", PostgresBindings())
    }

    private func salesRows(_ sql: String, _ binds: PostgresBindings) async throws -> [SalesKey: Quantity] {
        try await translating {
            var found: [SalesKey: Quantity] = [:]
            for try await (sku, day, location, channel, quantity) in try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
            ).decode((String, String, String, String, Int64).self) {
                guard let day = try? CalendarDay(parsing: day) else { continue }
                found[SalesKey(sku: sku, day: day, location: location, channel: channel)] = Quantity(
                    thousandths: quantity)
            }
            return found
        }
    }

    public func setReorderRule(_ rule: ReorderRule) async throws {
        try await writing {
            try await client.query(
                """
                INSERT INTO reorder_rule (sku, location, point, quantity)
                VALUES (\(rule.sku), \(rule.location), \(rule.point.thousandths), \(rule.quantity.thousandths))
                ON CONFLICT (sku, location) DO UPDATE SET point = excluded.point, quantity = excluded.quantity
                """, logger: logger)
        }
    }

    public func reorderRules() async throws -> [ReorderRule] {
        try await translating {
            var rules: [ReorderRule] = []
            for try await (sku, location, point, quantity) in try await client.query(
                "SELECT sku, location, point, quantity FROM reorder_rule ORDER BY sku, location", logger: logger
            ).decode((String, String, Int64, Int64).self) {
                rules.append(
                    ReorderRule(
                        sku: sku, location: location, point: Quantity(thousandths: point),
                        quantity: Quantity(thousandths: quantity)))
            }
            return rules
        }
    }
}

extension PostgresStore {
    static func addUnitCounts(_ counts: [(UnitCountKey, Int)], on connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !counts.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO unit_count (sku, location, status, count)
            SELECT * FROM unnest(\(counts.map(\.0.sku))::text[], \(counts.map(\.0.location))::text[],
                \(counts.map(\.0.status.rawValue))::text[], \(counts.map { Int64($0.1) })::bigint[])
            ON CONFLICT (sku, location, status) DO UPDATE SET count = unit_count.count + excluded.count
            """, logger: logger)
        if counts.contains(where: { $0.1 < 0 }) {
            try await connection.query(
                "DELETE FROM unit_count WHERE count = 0 AND sku = ANY(\(Array(Set(counts.map(\.0.sku)))))",
                logger: logger)
        }
    }

    public func unitCounts() async throws -> [UnitCountKey: Int] {
        try await translating {
            var counts: [UnitCountKey: Int] = [:]
            for try await (sku, location, text, count) in try await client.query(
                "SELECT sku, location, status, count FROM unit_count", logger: logger
            ).decode((String, String, String, Int64).self) {
                guard let status = UnitStatus(rawValue: text) else {
                    throw StoreError(
                        .corrupt, "the unit tally has an unknown status; the store was edited outside Unitrace")
                }
                counts[UnitCountKey(sku: sku, location: location, status: status)] = Int(count)
            }
            return counts
        }
    }

    public func recountUnits() async throws {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM unit_count", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO unit_count (sku, location, status, count)
                    SELECT sku, location, status, count(*) FROM unit GROUP BY sku, location, status
                    """, logger: logger)
            }
        }
    }
}
