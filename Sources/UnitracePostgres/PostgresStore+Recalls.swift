import Foundation
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    private struct RecallUnitRow: Encodable {
        var sku: String
        var serial: String
        var body: String
    }

    /// The recall writer: the record and every unit row in two statements, inside the caller's transaction.
    static func writeRecall(_ new: NewRecall, on connection: PostgresConnection, logger: Logger) async throws {
        let inserted = try await connection.query(
            """
            INSERT INTO recall (id, state, created_at, body)
            VALUES (\(new.recall.id), \(new.recall.state.rawValue), \(new.recall.createdAt.iso8601), \(new.body))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in inserted.decode(String.self) { count += 1 }
        guard count == 1 else { throw StoreError(.conflict, "recall \(new.recall.id) exists") }
        let rows = zip(new.units, try new.unitBodies()).map {
            RecallUnitRow(sku: $0.0.unit.sku, serial: $0.0.unit.serial, body: $0.1)
        }
        guard !rows.isEmpty else { return }
        let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO recall_unit (recall_id, sku, serial, body)
            SELECT \(new.recall.id), sku, serial, body FROM json_to_recordset(\(document)::json) AS x(sku text, serial text, body text)
            """, logger: logger)
    }

    /// Adds units to open recalls in one statement, inside the caller's transaction.
    static func writeRecallAdditions(_ additions: [RecallAddition], on connection: PostgresConnection, logger: Logger)
        async throws
    {
        struct Row: Encodable {
            var recall: String
            var sku: String
            var serial: String
            var body: String
        }
        var rows: [Row] = []
        for addition in additions {
            for (unit, body) in zip(addition.units, try addition.unitBodies()) {
                rows.append(Row(recall: addition.recall, sku: unit.unit.sku, serial: unit.unit.serial, body: body))
            }
        }
        guard !rows.isEmpty else { return }
        let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO recall_unit (recall_id, sku, serial, body)
            SELECT recall, sku, serial, body FROM json_to_recordset(\(document)::json)
                AS x(recall text, sku text, serial text, body text)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    public func insertRecall(_ recall: NewRecall) async throws {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await Self.writeRecall(recall, on: connection, logger: logger)
            }
        }
    }

    public func recallUnits(of id: String) async throws -> [RecallUnit] {
        try await translating {
            var units: [RecallUnit] = []
            let rows = try await client.query(
                "SELECT body FROM recall_unit WHERE recall_id = \(id) ORDER BY sku, serial", logger: logger)
            for try await body in rows.decode(String.self) {
                units.append(try StoredForms.decode(RecallUnit.self, body, what: "a unit of recall \(id)"))
            }
            return units
        }
    }

    public func updateRecallUnits(_ units: [RecallUnit], of id: String) async throws {
        let rows = try units.map {
            RecallUnitRow(sku: $0.unit.sku, serial: $0.unit.serial, body: try StoredForms.json($0))
        }
        guard !rows.isEmpty else { return }
        let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                let updated = try await connection.query(
                    """
                    UPDATE recall_unit r SET body = x.body
                    FROM json_to_recordset(\(document)::json) AS x(sku text, serial text, body text)
                    WHERE r.recall_id = \(id) AND r.sku = x.sku AND r.serial = x.serial
                    RETURNING r.sku
                    """, logger: logger)
                var count = 0
                for try await _ in updated.decode(String.self) { count += 1 }
                guard count == rows.count else { throw StoreError(.conflict, "a unit is not a unit of recall \(id)") }
            }
        }
    }

    public func recalls(listing units: Set<UnitKey>) async throws -> [UnitKey: [String]] {
        guard !units.isEmpty else { return [:] }
        let keys = Array(units)
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT r.sku, r.serial, r.recall_id FROM recall_unit r
                JOIN unnest($1::text[], $2::text[]) AS k(sku, serial) ON r.sku = k.sku AND r.serial = k.serial
                ORDER BY r.recall_id
                """)
        query.binds.append(keys.map(\.sku))
        query.binds.append(keys.map(\.serial))
        return try await translating {
            var result: [UnitKey: [String]] = [:]
            for try await (sku, serial, id) in try await client.query(query, logger: logger).decode(
                (String, String, String).self)
            {
                result[UnitKey(sku: sku, serial: serial), default: []].append(id)
            }
            return result
        }
    }

    public func unitKeys(ofProduct sku: String) async throws -> [UnitKey] {
        try await translating {
            var keys: [UnitKey] = []
            let rows = try await client.query(
                "SELECT serial FROM unit WHERE sku = \(sku) ORDER BY serial", logger: logger)
            for try await serial in rows.decode(String.self) { keys.append(UnitKey(sku: sku, serial: serial)) }
            return keys
        }
    }
}
