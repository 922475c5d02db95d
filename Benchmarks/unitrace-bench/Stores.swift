import Foundation
import UnitraceInventory
import UnitracePostgres
import UnitraceSQLite

/// Where the suite keeps its stores: SQLite files in the work folder, or with `--db postgres://…` databases
/// of their own on that server (`unitrace_bench_<name>`), each dropped and created again when reused.
struct BenchStores: Sendable {
    let postgres: String?
    let work: String

    var engine: String { postgres == nil ? "sqlite" : "postgres" }

    /// A new, empty store called `name`; returns its path or URL.
    func fresh(_ name: String) async throws -> String {
        if let postgres {
            guard var url = URLComponents(string: postgres) else { throw BenchError("--db \(postgres) is not a URL") }
            url.path = "/unitrace_bench_" + name.replacingOccurrences(of: "-", with: "_")
            let location = url.string!
            try await PostgresStore.dropDatabase(url: location)
            _ = try await PostgresStore.open(url: location, connections: 1, create: true)
            return location
        }
        let path = work + "/\(name).sqlite"
        remove(path)
        _ = try SQLiteStore.create(path: path)
        return path
    }

    /// Drops a store made by ``fresh(_:)``.
    func remove(_ location: String) {
        if location.hasPrefix("postgres") { return }  // dropped when made again; kept for a look afterwards
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location + suffix) }
    }

    static func open(_ location: String, connections: Int = 8) async throws -> any InventoryStore {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return try await PostgresStore.open(url: location, connections: connections)
        }
        return try SQLiteStore.open(path: location)
    }
}
