import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    typealias HoldColumns = (
        String, String, String, String?, String?, String?, Int64?, String, String, String, String?, String?
    )
    static let holdColumns =
        "id, party, sku, serial, lot, location, quantity, until, created_at, actor, closed_at, outcome"

    static func hold(_ c: HoldColumns) throws -> Hold {
        func time(_ text: String) throws -> Timestamp {
            do {
                return try Timestamp(iso8601: text)
            } catch {
                throw StoreError(.corrupt, "a hold has an unreadable time; the store was edited outside Unitrace")
            }
        }
        return Hold(
            id: c.0, party: c.1, sku: c.2, serial: c.3, lot: c.4, location: c.5,
            quantity: c.6.map { Quantity(thousandths: $0) }, until: try time(c.7), createdAt: try time(c.8),
            actor: c.9, closedAt: try c.10.map(time), outcome: c.11.flatMap(Hold.Outcome.init(rawValue:)))
    }

    private func holds(_ query: PostgresQuery) async throws -> [Hold] {
        try await translating {
            var found: [Hold] = []
            for try await row in try await client.query(query, logger: logger).decode(HoldColumns.self) {
                found.append(try Self.hold(row))
            }
            return found
        }
    }

    public func insertHold(_ hold: Hold) async throws {
        try await writing {
            let inserted = try await client.query(
                """
                INSERT INTO hold (id, party, sku, serial, lot, location, quantity, until, until_ms, created_at, actor)
                VALUES (\(hold.id), \(hold.party), \(hold.sku), \(hold.serial), \(hold.lot), \(hold.location),
                    \(hold.quantity?.thousandths), \(hold.until.iso8601), \(hold.until.millisecondsSince1970),
                    \(hold.createdAt.iso8601), \(hold.actor))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger
            ).collect()
            guard inserted.count == 1 else { throw StoreError(.conflict, "hold \(hold.id) exists; try again") }
        }
    }

    public func hold(id: String) async throws -> Hold? {
        try await holds("SELECT \(unescaped: Self.holdColumns) FROM hold WHERE id = \(id)").first
    }

    public func activeHolds(skus: Set<String>, at time: Timestamp) async throws -> [Hold] {
        let ms = time.millisecondsSince1970
        if skus.isEmpty {
            return try await holds(
                "SELECT \(unescaped: Self.holdColumns) FROM hold WHERE closed_at IS NULL AND until_ms > \(ms) ORDER BY id"
            )
        }
        return try await holds(
            """
            SELECT \(unescaped: Self.holdColumns) FROM hold
            WHERE closed_at IS NULL AND until_ms > \(ms) AND sku = ANY(\(skus.sorted())) ORDER BY id
            """)
    }

    public func holds(after id: String?, limit: Int, activeAt: Timestamp?) async throws -> [Hold] {
        if let activeAt {
            return try await holds(
                """
                SELECT \(unescaped: Self.holdColumns) FROM hold
                WHERE id > \(id ?? "") AND closed_at IS NULL AND until_ms > \(activeAt.millisecondsSince1970)
                ORDER BY id COLLATE "C" LIMIT \(limit)
                """)
        }
        return try await holds(
            """
            SELECT \(unescaped: Self.holdColumns) FROM hold WHERE id > \(id ?? "") ORDER BY id COLLATE "C" LIMIT \(limit)
            """)
    }

    public func closeHold(id: String, at time: Timestamp, outcome: Hold.Outcome) async throws -> Bool {
        try await writing {
            try await client.withConnection { connection in
                try await Self.closeHold(id: id, at: time, outcome: outcome, on: connection, logger: logger)
            }
        }
    }

    @discardableResult
    static func closeHold(
        id: String, at time: Timestamp, outcome: Hold.Outcome, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.query(
            """
            UPDATE hold SET closed_at = \(time.iso8601), outcome = \(outcome.rawValue)
            WHERE id = \(id) AND closed_at IS NULL RETURNING 1
            """, logger: logger
        ).collect().count == 1
    }
}
