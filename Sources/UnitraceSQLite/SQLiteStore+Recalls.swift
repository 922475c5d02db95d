import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    /// The recall writer: the record and every unit row, inside the caller's transaction.
    static func writeRecall(_ new: NewRecall, _ db: Database) throws {
        do {
            try db.execute(
                sql: "INSERT INTO recall (id, state, created_at, body) VALUES (?, ?, ?, ?)",
                arguments: [new.recall.id, new.recall.state.rawValue, new.recall.createdAt.iso8601, new.body])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError(.conflict, "recall \(new.recall.id) exists")
        }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO recall_unit (recall_id, sku, serial, body) VALUES (?, ?, ?, ?)")
        for (unit, body) in zip(new.units, try new.unitBodies()) {
            try insert.execute(arguments: [new.recall.id, unit.unit.sku, unit.unit.serial, body])
        }
    }

    /// Adds units to open recalls, inside the caller's transaction.
    static func writeRecallAdditions(_ additions: [RecallAddition], _ db: Database) throws {
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO recall_unit (recall_id, sku, serial, body) VALUES (?, ?, ?, ?)")
        for addition in additions {
            for (unit, body) in zip(addition.units, try addition.unitBodies()) {
                try insert.execute(arguments: [addition.recall, unit.unit.sku, unit.unit.serial, body])
            }
        }
    }

    public func insertRecall(_ recall: NewRecall) async throws {
        try await write { db in try Self.writeRecall(recall, db) }
    }

    public func recallUnits(of id: String) async throws -> [RecallUnit] {
        try await scan { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM recall_unit WHERE recall_id = ? ORDER BY sku, serial", arguments: [id]
            ).map { try StoredForms.decode(RecallUnit.self, $0, what: "a unit of recall \(id)") }
        }
    }

    public func updateRecallUnits(_ units: [RecallUnit], of id: String) async throws {
        let bodies = try units.map { try StoredForms.json($0) }
        try await write { db in
            let update = try db.cachedStatement(
                sql: "UPDATE recall_unit SET body = ? WHERE recall_id = ? AND sku = ? AND serial = ?")
            for (unit, body) in zip(units, bodies) {
                try update.execute(arguments: [body, id, unit.unit.sku, unit.unit.serial])
                guard db.changesCount == 1 else {
                    throw StoreError(.conflict, "\(unit.unit) is not a unit of recall \(id)")
                }
            }
        }
    }

    public func recalls(listing units: Set<UnitKey>) async throws -> [UnitKey: [String]] {
        guard !units.isEmpty else { return [:] }
        let keys = String(decoding: try JSONEncoder().encode(units.map { [$0.sku, $0.serial] }), as: UTF8.self)
        return try await scan { db in
            var result: [UnitKey: [String]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT r.sku, r.serial, r.recall_id FROM json_each(?) k
                    JOIN recall_unit r ON r.sku = k.value ->> 0 AND r.serial = k.value ->> 1
                    ORDER BY r.recall_id
                    """, arguments: [keys])
            {
                result[UnitKey(sku: row[0], serial: row[1]), default: []].append(row[2])
            }
            return result
        }
    }

    public func unitKeys(ofProduct sku: String) async throws -> [UnitKey] {
        try await scan { db in
            try String.fetchAll(db, sql: "SELECT serial FROM unit WHERE sku = ? ORDER BY serial", arguments: [sku])
                .map { UnitKey(sku: sku, serial: $0) }
        }
    }
}
