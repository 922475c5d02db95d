import Foundation
import Logging
import PostgresNIO
import Testing
import UnitraceInventory
import UnitracePostgres
import UnitraceSQLite

/// The store a test runs on: SQLite in memory, or with `UNITRACE_TEST_ENGINE=postgres` a new database on
/// the PostgreSQL server `UNITRACE_TEST_POSTGRES` names (the test script starts one), so that every test
/// that uses a store runs on both engines.
public enum TestStores {
    public static var engine: String {
        ProcessInfo.processInfo.environment["UNITRACE_TEST_ENGINE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite"
    }

    /// A new, empty store of the engine under test.
    public static func make() async throws -> any InventoryStore {
        switch engine {
        case "postgres": try await PostgresStore.open(url: try await newDatabase(), connections: 4, create: true)
        case "sqlite": try SQLiteStore.inMemory()
        case let other: throw TestStoreError("UNITRACE_TEST_ENGINE must be sqlite or postgres, not '\(other)'")
        }
    }

    /// The server the PostgreSQL tests use. They do not skip when it is missing: they fail, saying so.
    public static func postgresServer() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["UNITRACE_TEST_POSTGRES"], !url.isEmpty else {
            throw TestStoreError(
                "UNITRACE_TEST_POSTGRES is not set: run the tests with `bash scripts/test`, which starts a PostgreSQL server"
            )
        }
        return url
    }

    /// Creates a database of its own on the test server and returns its URL.
    public static func newDatabase() async throws -> String {
        let server = try postgresServer()
        guard var url = URLComponents(string: server), let port = url.port, let host = url.host else {
            throw TestStoreError("UNITRACE_TEST_POSTGRES is not a postgres://user@host:port/database URL: \(server)")
        }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: host, port: port, username: url.user ?? "postgres", password: url.password,
                database: String(url.path.dropFirst()), tls: .disable),
            id: 1, logger: Logger(label: "unitrace.tests"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: connection.logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        url.path = "/" + name
        return url.string!
    }
}

public struct TestStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
