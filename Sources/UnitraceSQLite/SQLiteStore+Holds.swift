import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    static let holdColumns =
        "id, party, sku, serial, lot, location, quantity, until, created_at, actor, closed_at, outcome"

    static func hold(_ row: Row) throws -> Hold {
        func time(_ text: String?) throws -> Timestamp? {
            guard let text else { return nil }
            do {
                return try Timestamp(iso8601: text)
            } catch {
                throw StoreError(.corrupt, "a hold has an unreadable time; the store was edited outside Unitrace")
            }
        }
        let quantity: Int64? = row[6]
        return Hold(
            id: row[0], party: row[1], sku: row[2], serial: row[3], lot: row[4], location: row[5],
            quantity: quantity.map { Quantity(thousandths: $0) }, until: try time(row[7])!,
            createdAt: try time(row[8])!, actor: row[9], closedAt: try time(row[10]),
            outcome: (row[11] as String?).flatMap(Hold.Outcome.init(rawValue:)))
    }

    public func insertHold(_ hold: Hold) async throws {
        try await write { db in
            do {
                try db.execute(
                    sql: """
                        INSERT INTO hold (id, party, sku, serial, lot, location, quantity, until, until_ms, created_at, actor)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        hold.id, hold.party, hold.sku, hold.serial, hold.lot, hold.location,
                        hold.quantity?.thousandths, hold.until.iso8601, hold.until.millisecondsSince1970,
                        hold.createdAt.iso8601, hold.actor,
                    ])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError(.conflict, "hold \(hold.id) exists; try again")
            }
        }
    }

    public func hold(id: String) async throws -> Hold? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.holdColumns) FROM hold WHERE id = ?", arguments: [id]).map(
                Self.hold)
        }
    }

    public func activeHolds(skus: Set<String>, at time: Timestamp) async throws -> [Hold] {
        try await read { db in
            var sql = "SELECT \(Self.holdColumns) FROM hold WHERE closed_at IS NULL AND until_ms > ?"
            var arguments: [any DatabaseValueConvertible] = [time.millisecondsSince1970]
            if !skus.isEmpty {
                sql += " AND sku IN (\(Array(repeating: "?", count: skus.count).joined(separator: ",")))"
                arguments += skus.sorted()
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(arguments))
                .map(Self.hold)
        }
    }

    public func holds(after id: String?, limit: Int, activeAt: Timestamp?) async throws -> [Hold] {
        try await read { db in
            var sql = "SELECT \(Self.holdColumns) FROM hold WHERE id > ?"
            var arguments: [any DatabaseValueConvertible] = [id ?? ""]
            if let activeAt {
                sql += " AND closed_at IS NULL AND until_ms > ?"
                arguments.append(activeAt.millisecondsSince1970)
            }
            arguments.append(limit)
            return try Row.fetchAll(db, sql: sql + " ORDER BY id LIMIT ?", arguments: StatementArguments(arguments))
                .map(Self.hold)
        }
    }

    public func closeHold(id: String, at time: Timestamp, outcome: Hold.Outcome) async throws -> Bool {
        try await write { db in
            try Self.closeHold(id: id, at: time, outcome: outcome, db)
            return db.changesCount == 1
        }
    }

    static func closeHold(id: String, at time: Timestamp, outcome: Hold.Outcome, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE hold SET closed_at = ?, outcome = ? WHERE id = ? AND closed_at IS NULL")
            .execute(arguments: [time.iso8601, outcome.rawValue, id])
    }
}
