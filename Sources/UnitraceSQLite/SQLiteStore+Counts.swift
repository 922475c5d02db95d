import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    static func stockCount(_ row: Row) throws -> StockCount {
        var count = try StoredForms.decode(StockCount.self, row[1], what: "count \(row[0] as String)")
        if let expected: String = row[5] {
            count.expected = try StoredForms.decode(CountExpectation.self, expected, what: "count \(count.id)")
        }
        guard let state = StockCount.State(rawValue: row[2]) else {
            throw StoreError(.corrupt, "a count has an unreadable state; the store was edited outside Unitrace")
        }
        count.state = state
        count.closedAt = try (row[3] as String?).map { try Timestamp(iso8601: $0) }
        count.approvedAt = try (row[4] as String?).map { try Timestamp(iso8601: $0) }
        return count
    }

    public func insertCount(_ count: StockCount) async throws {
        var header = count
        header.expected = CountExpectation()
        let json = try StoredForms.json(header)
        let expected = try StoredForms.json(count.expected)
        try await write { db in
            do {
                try db.execute(
                    sql: "INSERT INTO stock_count (id, state, opened_at, count) VALUES (?, ?, ?, ?)",
                    arguments: [count.id, count.state.rawValue, count.openedAt.iso8601, json])
                try db.execute(
                    sql: "INSERT INTO count_expected (count_id, expected) VALUES (?, ?)",
                    arguments: [count.id, expected])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError(.conflict, "count \(count.id) exists; try again")
            }
        }
    }

    public func count(id: String, expectation: Bool) async throws -> StockCount? {
        let expected =
            expectation ? "(SELECT expected FROM count_expected WHERE count_id = stock_count.id)" : "NULL"
        return try await scan { db in
            try Row.fetchOne(
                db, sql: "SELECT id, count, state, closed_at, approved_at, \(expected) FROM stock_count WHERE id = ?",
                arguments: [id]
            ).map(Self.stockCount)
        }
    }

    public func counts(limit: Int) async throws -> [StockCount] {
        try await scan { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, count, state, closed_at, approved_at, NULL FROM stock_count
                    ORDER BY opened_at DESC, id LIMIT ?
                    """,
                arguments: [limit]
            ).map(Self.stockCount)
        }
    }

    /// Appends scans to the open count or notice `id`, numbered after those it has.
    public func appendScans(_ scans: [CountScan], to id: String, in log: ScanLog) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try scans.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return try await write { db in
            guard
                try String.fetchOne(db, sql: "SELECT state FROM \(log.header) WHERE id = ?", arguments: [id])
                    == "open"
            else { throw StoreError(.conflict, "\(log.rawValue) \(id) is not open") }
            var next =
                try Int.fetchOne(
                    db, sql: "SELECT coalesce(max(n), 0) FROM \(log.table) WHERE \(log.owner) = ?", arguments: [id])
                ?? 0
            let insert = try db.cachedStatement(
                sql: "INSERT INTO \(log.table) (\(log.owner), n, scan) VALUES (?, ?, ?)")
            for row in rows {
                next += 1
                try insert.execute(arguments: [id, next, row])
            }
            return next
        }
    }

    public func scans(of id: String, in log: ScanLog) async throws -> [CountScan] {
        try await scan { db in
            let decoder = JSONDecoder()
            return try String.fetchAll(
                db, sql: "SELECT scan FROM \(log.table) WHERE \(log.owner) = ? ORDER BY n", arguments: [id]
            )
            .map { try decoder.decode(CountScan.self, from: Data($0.utf8)) }
        }
    }

    public func setCountState(id: String, from: StockCount.State, to: StockCount.State, at time: Timestamp)
        async throws -> Bool
    {
        try await write { db in
            try Self.setCountState(id: id, from: from, to: to, at: time, db)
        }
    }

    static func setCountState(
        id: String, from: StockCount.State, to: StockCount.State, at time: Timestamp, _ db: Database
    ) throws -> Bool {
        let column = to == .approved ? "approved_at" : "closed_at"
        try db.execute(
            sql: "UPDATE stock_count SET state = ?, \(column) = ? WHERE id = ? AND state = ?",
            arguments: [to.rawValue, time.iso8601, id, from.rawValue])
        return db.changesCount == 1
    }
}
