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
            try Self.writeOutermost(OutermostReplay(links: links), db)
        }
    }
}

extension SQLiteStore {
    /// Moves outermost units for one install or removal, after the commit has written the units' rows (see
    /// ``OutermostReplay`` for the two steps).
    static func applyOutermost(_ change: LinkChange, _ db: Database) throws {
        let idOf = try db.cachedStatement(sql: "SELECT id FROM unit WHERE sku = ? AND serial = ?")
        guard let part = try Int64.fetchOne(idOf, arguments: [change.child.sku, change.child.serial]) else {
            throw StoreError(.conflict, "unit \(change.child) is not in the store")
        }
        let at = change.occurredMs
        if change.opens {
            guard
                let top = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT coalesce(root_id, id) FROM unit WHERE sku = ? AND serial = ?"),
                    arguments: [change.parent.sku, change.parent.serial])
            else { throw StoreError(.conflict, "unit \(change.parent) is not in the store") }
            try db.cachedStatement(sql: "UPDATE unit SET root_id = ?, root_since = ? WHERE id = ?").execute(
                arguments: [top, at, part])
            try db.cachedStatement(sql: "UPDATE unit SET root_id = ?, root_since = ? WHERE root_id = ?").execute(
                arguments: [top, at, part])
            return
        }
        let below = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE inside(sku, serial) AS (
                        SELECT ?, ?
                        UNION
                        SELECT l.child_sku, l.child_serial FROM assembly_link l
                        JOIN inside i ON l.parent_sku = i.sku AND l.parent_serial = i.serial
                        WHERE l.removed_seq IS NULL
                    )
                    SELECT u.id FROM inside i JOIN unit u ON u.sku = i.sku AND u.serial = i.serial WHERE u.id != ?
                    """),
            arguments: [change.child.sku, change.child.serial, part])
        let ended = try db.cachedStatement(
            sql: """
                INSERT INTO outermost_spell (unit_id, sku, lot, root_id, since_ms, until_ms)
                SELECT id, sku, lot, root_id, root_since, ? FROM unit WHERE id = ? AND root_id IS NOT NULL
                """)
        let moveInside = try db.cachedStatement(sql: "UPDATE unit SET root_id = ?, root_since = ? WHERE id = ?")
        for id in [part] + below { try ended.execute(arguments: [at, id]) }
        try db.cachedStatement(sql: "UPDATE unit SET root_id = NULL, root_since = NULL WHERE id = ?").execute(
            arguments: [part])
        for id in below { try moveInside.execute(arguments: [part, at, id]) }
    }

    /// Writes every unit's outermost unit and the ended spells from a replay, replacing what was there.
    static func writeOutermost(_ replay: OutermostReplay, _ db: Database) throws {
        try db.execute(sql: "UPDATE unit SET root_id = NULL, root_since = NULL WHERE root_id IS NOT NULL")
        try db.execute(sql: "DELETE FROM outermost_spell")
        let set = try db.cachedStatement(
            sql: """
                UPDATE unit SET root_id = (SELECT id FROM unit WHERE sku = ? AND serial = ?), root_since = ?
                WHERE sku = ? AND serial = ?
                """)
        for (unit, top) in replay.outermost {
            try set.execute(arguments: [top.unit.sku, top.unit.serial, top.sinceMs, unit.sku, unit.serial])
        }
        let spell = try db.cachedStatement(
            sql: """
                INSERT INTO outermost_spell (unit_id, sku, lot, root_id, since_ms, until_ms)
                SELECT u.id, u.sku, u.lot, r.id, ?, ? FROM unit u, unit r
                WHERE u.sku = ? AND u.serial = ? AND r.sku = ? AND r.serial = ?
                """)
        for ended in replay.spells {
            try spell.execute(arguments: [
                ended.sinceMs, ended.untilMs, ended.unit.sku, ended.unit.serial, ended.outermost.sku,
                ended.outermost.serial,
            ])
        }
    }

    public func outermostUnits() async throws -> [UnitKey: OutermostNow] {
        try await scan { db in
            var found: [UnitKey: OutermostNow] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT u.sku, u.serial, r.sku, r.serial, u.root_since FROM unit u JOIN unit r ON r.id = u.root_id
                    WHERE u.root_id IS NOT NULL
                    """)
            {
                found[UnitKey(sku: row[0], serial: row[1])] = OutermostNow(
                    unit: UnitKey(sku: row[2], serial: row[3]), sinceMs: row[4] ?? 0)
            }
            return found
        }
    }

    public func outermostSpells() async throws -> [OutermostSpell] {
        try await scan { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.sku, u.serial, r.sku, r.serial, s.since_ms, s.until_ms FROM outermost_spell s
                    JOIN unit u ON u.id = s.unit_id JOIN unit r ON r.id = s.root_id
                    ORDER BY u.sku, u.serial, s.since_ms, r.sku, r.serial
                    """
            ).map {
                OutermostSpell(
                    unit: UnitKey(sku: $0[0], serial: $0[1]), outermost: UnitKey(sku: $0[2], serial: $0[3]),
                    sinceMs: $0[4], untilMs: $0[5])
            }
        }
    }

    public func outermost(of scope: TraceScope, after: UnitKey?, limit: Int) async throws -> OutermostPage {
        let (members, spells, arguments): (String, String, StatementArguments)
        switch scope {
        case .lot(let lot):
            members = "sku = ? AND lot = ?"
            spells = "sku = ? AND lot = ?"
            arguments = [lot.sku, lot.code]
        case .unit(let unit):
            members = "sku = ? AND serial = ?"
            spells = "unit_id = (SELECT id FROM unit WHERE sku = ? AND serial = ?)"
            arguments = [unit.sku, unit.serial]
        }
        return try await scan { db in
            let counts = try Row.fetchOne(
                db, sql: "SELECT count(*), count(root_id) FROM unit WHERE \(members)", arguments: arguments)
            // The outermost units now, counted by place in one pass over the members' index.
            var places: [PlaceKey: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT r.status, r.location, count(*) FROM
                        (SELECT DISTINCT root_id FROM unit WHERE \(members) AND root_id IS NOT NULL) x
                    JOIN unit r ON r.id = x.root_id GROUP BY r.status, r.location
                    """, arguments: arguments)
            {
                places[PlaceKey(status: row[0], location: row[1]), default: 0] += row[2]
            }
            // Outermost units that held members once and hold none now: few, each checked.
            let holdsNow = try db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE \(members) AND root_id = ?)")
            var past: [Int64] = []
            for id in try Int64.fetchAll(
                db, sql: "SELECT DISTINCT root_id FROM outermost_spell WHERE \(spells)", arguments: arguments)
            {
                var check = arguments
                _ = check.append(contentsOf: [id])
                if try Bool.fetchOne(holdsNow, arguments: check) != true { past.append(id) }
            }
            let placeOf = try db.cachedStatement(sql: "SELECT status, location FROM unit WHERE id = ?")
            for id in past {
                if let row = try Row.fetchOne(placeOf, arguments: [id]) {
                    places[PlaceKey(status: row[0], location: row[1]), default: 0] += 1
                }
            }
            // One page, in the order of the units' ids.
            var start: Int64 = 0
            if let after {
                start =
                    try Int64.fetchOne(
                        db, sql: "SELECT id FROM unit WHERE sku = ? AND serial = ?",
                        arguments: [after.sku, after.serial]) ?? 0
            }
            var pageArguments = arguments
            _ = pageArguments.append(contentsOf: [start, limit + 1])
            var ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT root_id FROM unit WHERE \(members) AND root_id > ? ORDER BY root_id LIMIT ?
                    """, arguments: pageArguments)
            ids = Array(Set(ids + past.filter { $0 > start }).sorted().prefix(limit + 1))
            let more = ids.count > limit
            let statement = try db.cachedStatement(sql: "SELECT \(UnitRow.columns) FROM unit u WHERE u.id = ?")
            var units: [UnitState] = []
            for id in ids.prefix(limit) {
                if let row = try Row.fetchOne(statement, arguments: [id]) { units.append(try UnitRow.state(row)) }
            }
            let counted = places.sorted { ($0.key.status, $0.key.location) < ($1.key.status, $1.key.location) }
            return OutermostPage(
                members: counts?[0] ?? 0, installed: counts?[1] ?? 0, total: counted.reduce(0) { $0 + $1.value },
                places: counted.compactMap { place, count in
                    UnitStatus(rawValue: place.status).map {
                        PlaceCount(status: $0, location: place.location, count: count)
                    }
                },
                units: units, next: more ? units.last?.key : nil)
        }
    }
}

private struct PlaceKey: Hashable {
    var status: String
    var location: String
}
