import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    static let containerColumns = "sscc, parent, location, destination, version"

    static func container(_ row: Row) -> ContainerState {
        ContainerState(sscc: row[0], parent: row[1], location: row[2], destination: row[3], version: row[4])
    }

    static func packedQuantity(_ row: Row) -> PackedQuantity {
        PackedQuantity(sscc: row[0], sku: row[1], lot: row[2], quantity: Quantity(thousandths: row[3]))
    }

    /// The container writer of a commit: each change refused with `conflict` unless the container still has
    /// the version it was read at (or, for a new one, does not exist yet).
    static func writeContainers(_ changes: [CommitBatch.ContainerChange], sequences: [Int64], _ db: Database) throws {
        for change in changes {
            let after = change.after
            let version = sequences[change.lastItem]
            if let before = change.before {
                try db.cachedStatement(
                    sql: """
                        UPDATE container SET parent = ?, location = ?, destination = ?, version = ?
                        WHERE sscc = ? AND version = ?
                        """
                ).execute(arguments: [
                    after.parent, after.location, after.destination, version, after.sscc, before.version,
                ])
                guard db.changesCount == 1 else {
                    throw StoreError(.conflict, "container \(after.sscc) changed meanwhile; try again")
                }
            } else {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO container (sscc, parent, location, destination, version) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (sscc) DO NOTHING
                        """
                ).execute(arguments: [after.sscc, after.parent, after.location, after.destination, version])
                guard db.changesCount == 1 else {
                    throw StoreError(.conflict, "container \(after.sscc) was made meanwhile; try again")
                }
            }
        }
    }

    /// The packed-quantity writer: a row never goes below zero, and goes away at zero.
    static func applyPacked(_ change: PackedQuantity, _ db: Database) throws {
        let key: [any DatabaseValueConvertible] = [change.sscc, change.sku, change.lot]
        try db.cachedStatement(
            sql: """
                INSERT INTO container_quantity (sscc, sku, lot, quantity) VALUES (?, ?, ?, ?)
                ON CONFLICT (sscc, sku, lot) DO UPDATE SET quantity = quantity + excluded.quantity
                """
        ).execute(arguments: StatementArguments(key + [change.quantity.thousandths]))
        let left =
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: "SELECT quantity FROM container_quantity WHERE sscc = ? AND sku = ? AND lot = ?"),
                arguments: StatementArguments(key)) ?? 0
        if left < 0 {
            throw StoreError(.conflict, "container \(change.sscc) holds less \(change.sku) now; try again")
        }
        if left == 0 {
            try db.cachedStatement(sql: "DELETE FROM container_quantity WHERE sscc = ? AND sku = ? AND lot = ?")
                .execute(arguments: StatementArguments(key))
        }
    }

    public func containers(_ ssccs: Set<String>) async throws -> [String: ContainerState] {
        guard !ssccs.isEmpty else { return [:] }
        let list = Array(ssccs)
        return try await scan { db in
            var result: [String: ContainerState] = [:]
            for chunk in stride(from: 0, to: list.count, by: 500) {
                let part = Array(list[chunk..<min(chunk + 500, list.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                for row in try Row.fetchAll(
                    db, sql: "SELECT \(Self.containerColumns) FROM container WHERE sscc IN (\(marks))",
                    arguments: StatementArguments(part))
                {
                    let state = Self.container(row)
                    result[state.sscc] = state
                }
            }
            return result
        }
    }

    public func containers(in parents: Set<String>) async throws -> [ContainerState] {
        try await rows(
            in: parents, sql: "SELECT \(Self.containerColumns) FROM container WHERE parent IN", order: "sscc",
            Self.container)
    }

    public func packedUnits(in containers: Set<String>) async throws -> [UnitState] {
        try await rows(
            in: containers, sql: "SELECT \(UnitRow.columns) FROM unit u WHERE u.container IN",
            order: "u.sku, u.serial"
        ) { try UnitRow.state($0) }
    }

    public func packedQuantities(in containers: Set<String>) async throws -> [PackedQuantity] {
        try await rows(
            in: containers, sql: "SELECT sscc, sku, lot, quantity FROM container_quantity WHERE sscc IN",
            order: "sscc, sku, lot", Self.packedQuantity)
    }

    public func allContainers(after sscc: String?, limit: Int) async throws -> [ContainerState] {
        try await scan { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.containerColumns) FROM container WHERE sscc > ? ORDER BY sscc LIMIT ?",
                arguments: [sscc ?? "", limit]
            ).map(Self.container)
        }
    }

    public func allPackedQuantities() async throws -> [PackedQuantity] {
        try await scan { db in
            try Row.fetchAll(db, sql: "SELECT sscc, sku, lot, quantity FROM container_quantity ORDER BY sscc, sku, lot")
                .map(Self.packedQuantity)
        }
    }

    public func replaceContainers(with replay: ContainerReplay) async throws {
        let states = Array(replay.states.values)
        let quantities = replay.quantities
        try await write { db in
            try db.execute(sql: "DELETE FROM container; DELETE FROM container_quantity")
            for state in states {
                try db.cachedStatement(
                    sql: "INSERT INTO container (sscc, parent, location, destination, version) VALUES (?, ?, ?, ?, ?)"
                ).execute(arguments: [state.sscc, state.parent, state.location, state.destination, state.version])
            }
            for row in quantities {
                try db.cachedStatement(
                    sql: "INSERT INTO container_quantity (sscc, sku, lot, quantity) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [row.sscc, row.sku, row.lot, row.quantity.thousandths])
            }
        }
    }

    /// Rows of `sql … IN (values)`, in chunks the statement can bind, sorted by `order` across chunks.
    private func rows<T: Sendable>(
        in values: Set<String>, sql: String, order: String, _ decode: @escaping @Sendable (Row) throws -> T
    ) async throws -> [T] {
        guard !values.isEmpty else { return [] }
        let list = values.sorted()
        return try await scan { db in
            var rows: [T] = []
            for chunk in stride(from: 0, to: list.count, by: 500) {
                let part = Array(list[chunk..<min(chunk + 500, list.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                rows += try Row.fetchAll(
                    db, sql: "\(sql) (\(marks)) ORDER BY \(order)", arguments: StatementArguments(part)
                ).map(decode)
            }
            return rows
        }
    }
}
