import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

/// Records beside the ledger. Table names come from ``RecordTable``, never from input.
extension PostgresStore {
    public func insertRecord(_ record: StoredRecord) async throws {
        var binds = PostgresBindings()
        binds.append(record.id)
        binds.append(record.state)
        binds.append(record.createdAt.iso8601)
        binds.append(record.body)
        try await writing {
            let inserted = try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(record.table.rawValue) (id, state, created_at, body) VALUES ($1, $2, $3, $4)
                        ON CONFLICT DO NOTHING RETURNING 1
                        """, binds: binds), logger: logger
            ).collect()
            guard inserted.count == 1 else { throw StoreError(.conflict, "\(record.id) exists") }
        }
    }

    public func record(_ table: RecordTable, id: String) async throws -> String? {
        try await bodies(
            PostgresQuery(unsafeSQL: "SELECT body FROM \(table.rawValue) WHERE id = $1", binds: Self.binds(id))
        ).first
    }

    public func records(_ table: RecordTable, state: String?, limit: Int) async throws -> [String] {
        var binds = PostgresBindings()
        binds.append(state)
        binds.append(Int64(limit))
        return try await bodies(
            PostgresQuery(
                unsafeSQL: """
                    SELECT body FROM \(table.rawValue) WHERE $1::text IS NULL OR state = $1
                    ORDER BY created_at DESC, id LIMIT $2
                    """, binds: binds))
    }

    private func bodies(_ query: PostgresQuery) async throws -> [String] {
        try await translating {
            var found: [String] = []
            for try await body in try await client.query(query, logger: logger).decode(String.self) {
                found.append(body)
            }
            return found
        }
    }

    public func updateRecord(_ update: RecordUpdate) async throws -> Bool {
        try await writing {
            try await client.withConnection { connection in
                try await Self.updateRecord(update, on: connection, logger: logger)
            }
        }
    }

    static func updateRecord(_ update: RecordUpdate, on connection: PostgresConnection, logger: Logger) async throws
        -> Bool
    {
        var binds = PostgresBindings()
        binds.append(update.to)
        binds.append(update.body)
        binds.append(update.id)
        binds.append(update.from)
        return try await connection.query(
            PostgresQuery(
                unsafeSQL:
                    "UPDATE \(update.table.rawValue) SET state = $1, body = $2 WHERE id = $3 AND state = $4 RETURNING 1",
                binds: binds), logger: logger
        ).collect().count == 1
    }
}
