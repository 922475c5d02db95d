import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

/// Records beside the ledger. Table names come from ``RecordTable``, never from input.
extension SQLiteStore {
    public func insertRecord(_ record: StoredRecord) async throws {
        try await write { db in
            do {
                try db.execute(
                    sql: "INSERT INTO \(record.table.rawValue) (id, state, created_at, body) VALUES (?, ?, ?, ?)",
                    arguments: [record.id, record.state, record.createdAt.iso8601, record.body])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError(.conflict, "\(record.id) exists")
            }
        }
    }

    public func record(_ table: RecordTable, id: String) async throws -> String? {
        try await scan { db in
            try String.fetchOne(db, sql: "SELECT body FROM \(table.rawValue) WHERE id = ?", arguments: [id])
        }
    }

    public func records(_ table: RecordTable, state: String?, limit: Int) async throws -> [String] {
        try await scan { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT body FROM \(table.rawValue) WHERE ?1 IS NULL OR state = ?1
                    ORDER BY created_at DESC, id LIMIT ?2
                    """, arguments: [state, limit])
        }
    }

    public func updateRecord(_ update: RecordUpdate) async throws -> Bool {
        try await write { db in try Self.updateRecord(update, db) }
    }

    static func updateRecord(_ update: RecordUpdate, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE \(update.table.rawValue) SET state = ?, body = ? WHERE id = ? AND state = ?",
            arguments: [update.to, update.body, update.id, update.from])
        return db.changesCount == 1
    }
}
