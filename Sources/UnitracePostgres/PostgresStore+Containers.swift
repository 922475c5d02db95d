import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    typealias ContainerColumns = (String, String?, String, String?, Int64)
    static let containerColumns = "sscc, parent, location, destination, version"

    static func container(_ c: ContainerColumns) -> ContainerState {
        ContainerState(sscc: c.0, parent: c.1, location: c.2, destination: c.3, version: c.4)
    }

    /// The container writer of a commit: each change refused with `conflict` unless the container still has
    /// the version it was read at (or, for a new one, does not exist yet).
    static func writeContainers(
        _ changes: [CommitBatch.ContainerChange], sequences: [Int64], on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        for change in changes {
            let after = change.after
            let version = sequences[change.lastItem]
            let written: [PostgresRow]
            if let before = change.before {
                written = try await connection.query(
                    """
                    UPDATE container SET parent = \(after.parent), location = \(after.location),
                        destination = \(after.destination), version = \(version)
                    WHERE sscc = \(after.sscc) AND version = \(before.version)
                    RETURNING 1
                    """, logger: logger
                ).collect()
            } else {
                written = try await connection.query(
                    """
                    INSERT INTO container (sscc, parent, location, destination, version)
                    VALUES (\(after.sscc), \(after.parent), \(after.location), \(after.destination), \(version))
                    ON CONFLICT (sscc) DO NOTHING
                    RETURNING 1
                    """, logger: logger
                ).collect()
            }
            guard written.count == 1 else {
                throw StoreError(.conflict, "container \(after.sscc) changed meanwhile; try again")
            }
        }
    }

    /// The packed-quantity writer: a row never goes below zero, and goes away at zero.
    static func applyPacked(_ change: PackedQuantity, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let rows = try await connection.query(
            """
            INSERT INTO container_quantity (sscc, sku, lot, quantity)
            VALUES (\(change.sscc), \(change.sku), \(change.lot), \(change.quantity.thousandths))
            ON CONFLICT (sscc, sku, lot) DO UPDATE SET quantity = container_quantity.quantity + excluded.quantity
            RETURNING quantity
            """, logger: logger)
        var left: Int64 = 0
        for try await (quantity) in rows.decode(Int64.self) { left = quantity }
        if left < 0 {
            throw StoreError(.conflict, "container \(change.sscc) holds less \(change.sku) now; try again")
        }
        if left == 0 {
            try await connection.query(
                """
                DELETE FROM container_quantity WHERE sscc = \(change.sscc) AND sku = \(change.sku) AND lot = \(change.lot)
                """, logger: logger)
        }
    }

    private func containerRows(_ query: PostgresQuery) async throws -> [ContainerState] {
        try await translating {
            var found: [ContainerState] = []
            for try await row in try await client.query(query, logger: logger).decode(ContainerColumns.self) {
                found.append(Self.container(row))
            }
            return found
        }
    }

    public func containers(_ ssccs: Set<String>) async throws -> [String: ContainerState] {
        guard !ssccs.isEmpty else { return [:] }
        let list = Array(ssccs)
        var result: [String: ContainerState] = [:]
        for state in try await containerRows(
            "SELECT \(unescaped: Self.containerColumns) FROM container WHERE sscc = ANY(\(list))")
        {
            result[state.sscc] = state
        }
        return result
    }

    public func containers(in parents: Set<String>) async throws -> [ContainerState] {
        guard !parents.isEmpty else { return [] }
        let list = Array(parents)
        return try await containerRows(
            "SELECT \(unescaped: Self.containerColumns) FROM container WHERE parent = ANY(\(list)) ORDER BY sscc")
    }

    public func packedUnits(in containers: Set<String>) async throws -> [UnitState] {
        guard !containers.isEmpty else { return [] }
        let list = Array(containers)
        return try await units(
            "SELECT \(unescaped: Self.unitColumns) FROM unit u WHERE u.container = ANY(\(list)) ORDER BY u.sku, u.serial"
        )
    }

    public func packedQuantities(in containers: Set<String>) async throws -> [PackedQuantity] {
        guard !containers.isEmpty else { return [] }
        let list = Array(containers)
        return try await packed(
            "SELECT sscc, sku, lot, quantity FROM container_quantity WHERE sscc = ANY(\(list)) ORDER BY sscc, sku, lot")
    }

    public func allContainers(after sscc: String?, limit: Int) async throws -> [ContainerState] {
        try await containerRows(
            """
            SELECT \(unescaped: Self.containerColumns) FROM container WHERE sscc > \(sscc ?? "")
            ORDER BY sscc LIMIT \(limit)
            """)
    }

    public func allPackedQuantities() async throws -> [PackedQuantity] {
        try await packed("SELECT sscc, sku, lot, quantity FROM container_quantity ORDER BY sscc, sku, lot")
    }

    public func replaceContainers(with replay: ContainerReplay) async throws {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM container", logger: logger)
                try await connection.query("DELETE FROM container_quantity", logger: logger)
                for state in replay.states.values {
                    try await connection.query(
                        """
                        INSERT INTO container (sscc, parent, location, destination, version)
                        VALUES (\(state.sscc), \(state.parent), \(state.location), \(state.destination), \(state.version))
                        """, logger: logger)
                }
                for row in replay.quantities {
                    try await connection.query(
                        """
                        INSERT INTO container_quantity (sscc, sku, lot, quantity)
                        VALUES (\(row.sscc), \(row.sku), \(row.lot), \(row.quantity.thousandths))
                        """, logger: logger)
                }
            }
        }
    }

    private func packed(_ query: PostgresQuery) async throws -> [PackedQuantity] {
        try await translating {
            var found: [PackedQuantity] = []
            for try await (sscc, sku, lot, quantity) in try await client.query(query, logger: logger).decode(
                (String, String, String, Int64).self)
            {
                found.append(PackedQuantity(sscc: sscc, sku: sku, lot: lot, quantity: Quantity(thousandths: quantity)))
            }
            return found
        }
    }
}
