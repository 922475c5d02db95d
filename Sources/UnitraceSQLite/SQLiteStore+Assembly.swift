import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    static let linkColumns =
        "l.child_sku, l.child_serial, l.installed_seq, l.parent_sku, l.parent_serial, l.installed_ms, l.removed_seq, l.removed_ms"

    static func link(_ row: Row) -> AssemblyLink {
        AssemblyLink(
            child: UnitKey(sku: row[0], serial: row[1]), parent: UnitKey(sku: row[3], serial: row[4]),
            installedSequence: row[2], installedMs: row[5], removedSequence: row[6], removedMs: row[7])
    }

    /// The assembly writer of a commit: an install opens a link; a removal closes the component's open link in
    /// that parent, and finding none is a `conflict` (another writer removed it first).
    static func writeLink(_ change: LinkChange, sequence: Int64, _ db: Database) throws {
        if change.opens {
            try db.cachedStatement(
                sql: """
                    INSERT INTO assembly_link (child_sku, child_serial, installed_seq, parent_sku, parent_serial, installed_ms)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                change.child.sku, change.child.serial, sequence, change.parent.sku, change.parent.serial,
                change.occurredMs,
            ])
        } else {
            try db.cachedStatement(
                sql: """
                    UPDATE assembly_link SET removed_seq = ?, removed_ms = ?
                    WHERE child_sku = ? AND child_serial = ? AND parent_sku = ? AND parent_serial = ? AND removed_seq IS NULL
                    """
            ).execute(arguments: [
                sequence, change.occurredMs, change.child.sku, change.child.serial, change.parent.sku,
                change.parent.serial,
            ])
            guard db.changesCount == 1 else {
                throw StoreError(.conflict, "\(change.child) is no longer installed in \(change.parent); try again")
            }
        }
    }

    public func assemblyLinks(reachableFrom units: Set<UnitKey>, upward: Bool) async throws -> [AssemblyLink] {
        guard !units.isEmpty else { return [] }
        let starts = String(
            decoding: try JSONEncoder().encode(units.map { [$0.sku, $0.serial] }), as: UTF8.self)
        // One recursive walk of the index: by component going up, by parent going down. UNION keeps each unit
        // once, so even a loop written behind Unitrace's back ends.
        let (from, to) = upward ? ("child", "parent") : ("parent", "child")
        let sql = """
            WITH RECURSIVE reached(sku, serial) AS (
                SELECT value ->> 0, value ->> 1 FROM json_each(?)
                UNION
                SELECT l.\(to)_sku, l.\(to)_serial FROM assembly_link l
                JOIN reached r ON l.\(from)_sku = r.sku AND l.\(from)_serial = r.serial
            )
            SELECT \(Self.linkColumns) FROM reached r
            JOIN assembly_link l ON l.\(from)_sku = r.sku AND l.\(from)_serial = r.serial
            """
        return try await scan { db in
            try Row.fetchAll(db, sql: sql, arguments: [starts]).map(Self.link)
        }
    }

    public func units(ofLot lot: String, sku: String) async throws -> [UnitKey] {
        try await scan { db in
            try String.fetchAll(
                db, sql: "SELECT serial FROM unit WHERE sku = ? AND lot = ? ORDER BY serial", arguments: [sku, lot]
            ).map { UnitKey(sku: sku, serial: $0) }
        }
    }

    public func allAssemblyLinks(after cursor: AssemblyLink?, limit: Int) async throws -> [AssemblyLink] {
        try await scan { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.linkColumns) FROM assembly_link l
                    WHERE (l.child_sku, l.child_serial, l.installed_seq) > (?, ?, ?)
                    ORDER BY l.child_sku, l.child_serial, l.installed_seq LIMIT ?
                    """,
                arguments: [
                    cursor?.child.sku ?? "", cursor?.child.serial ?? "", cursor?.installedSequence ?? Int64.min, limit,
                ]
            ).map(Self.link)
        }
    }

    public func replaceAssemblyLinks(with links: [AssemblyLink]) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM assembly_link")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO assembly_link (child_sku, child_serial, installed_seq, parent_sku, parent_serial, installed_ms,
                        removed_seq, removed_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for link in links {
                try insert.execute(arguments: [
                    link.child.sku, link.child.serial, link.installedSequence, link.parent.sku, link.parent.serial,
                    link.installedMs, link.removedSequence, link.removedMs,
                ])
            }
        }
    }
}
