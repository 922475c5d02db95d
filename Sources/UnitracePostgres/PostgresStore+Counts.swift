import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    private func stockCounts(_ query: PostgresQuery) async throws -> [StockCount] {
        try await translating {
            var found: [StockCount] = []
            for try await (id, json, state, closed, approved, expected) in try await client.query(query, logger: logger)
                .decode((String, String, String, String?, String?, String?).self)
            {
                var count = try StoredForms.decode(StockCount.self, json, what: "count \(id)")
                if let expected {
                    count.expected = try StoredForms.decode(CountExpectation.self, expected, what: "count \(id)")
                }
                guard let value = StockCount.State(rawValue: state) else {
                    throw StoreError(.corrupt, "a count has an unreadable state; the store was edited outside Unitrace")
                }
                count.state = value
                count.closedAt = try closed.map { try Timestamp(iso8601: $0) }
                count.approvedAt = try approved.map { try Timestamp(iso8601: $0) }
                found.append(count)
            }
            return found
        }
    }

    public func insertCount(_ count: StockCount) async throws {
        var header = count
        header.expected = CountExpectation()
        let json = try StoredForms.json(header)
        let expected = try StoredForms.json(count.expected)
        try await writing {
            let inserted = try await client.query(
                """
                WITH header AS (
                    INSERT INTO stock_count (id, state, opened_at, count)
                    VALUES (\(count.id), \(count.state.rawValue), \(count.openedAt.iso8601), \(json))
                    ON CONFLICT DO NOTHING RETURNING id
                )
                INSERT INTO count_expected (count_id, expected) SELECT id, \(expected) FROM header RETURNING 1
                """, logger: logger
            ).collect()
            guard inserted.count == 1 else { throw StoreError(.conflict, "count \(count.id) exists; try again") }
        }
    }

    public func count(id: String, expectation: Bool) async throws -> StockCount? {
        try await stockCounts(
            expectation
                ? """
                SELECT id, count, state, closed_at, approved_at, x.expected
                FROM stock_count JOIN count_expected x ON x.count_id = stock_count.id WHERE id = \(id)
                """
                : "SELECT id, count, state, closed_at, approved_at, NULL::text FROM stock_count WHERE id = \(id)"
        ).first
    }

    public func counts(limit: Int) async throws -> [StockCount] {
        try await stockCounts(
            """
            SELECT id, count, state, closed_at, approved_at, NULL::text FROM stock_count
            ORDER BY opened_at DESC, id LIMIT \(limit)
            """)
    }

    /// Appends scans to the open count or notice `id`, numbered after those it has. The table names come
    /// from ``ScanLog``, never from input.
    public func appendScans(_ scans: [CountScan], to id: String, in log: ScanLog) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try scans.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return try await writing {
            try await client.withTransaction(logger: logger) { connection in
                var open = false
                for try await state in try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "SELECT state FROM \(log.header) WHERE id = $1 FOR UPDATE",
                        binds: Self.binds(id)), logger: logger
                ).decode(String.self) {
                    open = state == "open"
                }
                guard open else { throw StoreError(.conflict, "\(log.rawValue) \(id) is not open") }
                var next = 0
                for try await value in try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "SELECT coalesce(max(n), 0)::bigint FROM \(log.table) WHERE \(log.owner) = $1",
                        binds: Self.binds(id)), logger: logger
                ).decode(Int64.self) {
                    next = Int(value)
                }
                let numbers = rows.indices.map { Int64(next + $0 + 1) }
                var binds = PostgresBindings()
                binds.append(id)
                binds.append(numbers)
                binds.append(rows)
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO \(log.table) (\(log.owner), n, scan)
                            SELECT $1, * FROM unnest($2::bigint[], $3::text[])
                            """, binds: binds), logger: logger)
                return next + rows.count
            }
        }
    }

    public func scans(of id: String, in log: ScanLog) async throws -> [CountScan] {
        try await translating {
            let decoder = JSONDecoder()
            var found: [CountScan] = []
            for try await text in try await client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT scan FROM \(log.table) WHERE \(log.owner) = $1 ORDER BY n",
                    binds: Self.binds(id)), logger: logger
            ).decode(String.self) {
                found.append(try decoder.decode(CountScan.self, from: Data(text.utf8)))
            }
            return found
        }
    }

    static func binds(_ value: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }

    public func setCountState(id: String, from: StockCount.State, to: StockCount.State, at time: Timestamp)
        async throws -> Bool
    {
        try await writing {
            try await client.withConnection { connection in
                try await Self.setCountState(id: id, from: from, to: to, at: time, on: connection, logger: logger)
            }
        }
    }

    static func setCountState(
        id: String, from: StockCount.State, to: StockCount.State, at time: Timestamp,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let query: PostgresQuery =
            to == .approved
            ? """
            UPDATE stock_count SET state = \(to.rawValue), approved_at = \(time.iso8601)
            WHERE id = \(id) AND state = \(from.rawValue) RETURNING 1
            """
            : """
            UPDATE stock_count SET state = \(to.rawValue), closed_at = \(time.iso8601)
            WHERE id = \(id) AND state = \(from.rawValue) RETURNING 1
            """
        return try await connection.query(query, logger: logger).collect().count == 1
    }
}
