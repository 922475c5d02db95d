import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    public func insertNotice(_ notice: ShipNotice) async throws {
        let json = try StoredForms.json(notice)
        try await write { db in
            do {
                try db.execute(
                    sql: "INSERT INTO ship_notice (id, state, created_at, notice) VALUES (?, ?, ?, ?)",
                    arguments: [notice.id, notice.state.rawValue, notice.createdAt.iso8601, json])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError(.conflict, "notice \(notice.id) exists")
            }
        }
    }

    public func notice(id: String) async throws -> ShipNotice? {
        try await scan { db in
            try String.fetchOne(db, sql: "SELECT notice FROM ship_notice WHERE id = ?", arguments: [id])
                .map { try StoredForms.decode(ShipNotice.self, $0, what: "notice \(id)") }
        }
    }

    public func notices(limit: Int) async throws -> [ShipNotice] {
        try await scan { db in
            try String.fetchAll(
                db, sql: "SELECT notice FROM ship_notice ORDER BY created_at DESC, id LIMIT ?", arguments: [limit]
            ).map { try StoredForms.decode(ShipNotice.self, $0, what: "a notice") }
        }
    }

    public func appendNoticeScans(_ scans: [CountScan], to id: String) async throws -> Int {
        try await appendScans(scans, to: id, in: .notice)
    }

    public func noticeScans(of id: String) async throws -> [CountScan] {
        try await scans(of: id, in: .notice)
    }

    public func settleNotice(_ notice: ShipNotice) async throws -> Bool {
        try await write { db in try Self.settleNotice(notice, db) }
    }

    /// Replaces the open notice by its settled form; `false` when it was not open.
    static func settleNotice(_ notice: ShipNotice, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE ship_notice SET state = ?, notice = ? WHERE id = ? AND state = 'open'",
            arguments: [notice.state.rawValue, try StoredForms.json(notice), notice.id])
        return db.changesCount == 1
    }
}
