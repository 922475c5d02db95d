import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

/// The server engine: a PostgreSQL database reached through a pool of connections (postgres-nio). Many
/// processes may write at once: every commit locks the one row of `ledger_head` first, so appends to the
/// chain are serialized and sequences stay gap-free, while unit rows carry versions for optimistic checks.
public final class PostgresStore: InventoryStore {
    let client: PostgresClient
    let logger: Logger
    let address: String
    private let runner: Task<Void, Never>

    /// Where to connect, from a `postgres://user[:password]@host[:port]/database` URL; a `host=` query item
    /// naming a folder connects over the unix socket in it.
    public struct Address: Sendable, CustomStringConvertible {
        public var user: String
        public var password: String?
        public var host: String
        public var port: Int
        public var database: String
        public var socketFolder: String?

        public init(url text: String) throws(InputError) {
            guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? "") else {
                throw InputError(
                    code: .invalidField, message: "'\(text)' is not a postgres://user@host:port/database URL")
            }
            user = url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
            password = url.password
            host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            port = url.port ?? 5432
            database = String(url.path.drop(while: { $0 == "/" }))
            socketFolder = url.queryItems?.first(where: { $0.name == "host" })?.value
            guard !database.isEmpty else {
                throw InputError(
                    code: .invalidField, message: "'\(text)' names no database: add /DATABASE after the host")
            }
        }

        public var description: String {
            if let socketFolder { return "\(user)@\(socketFolder)/.s.PGSQL.\(port) (database \(database))" }
            return "\(user)@\(host):\(port)/\(database)"
        }
    }

    /// Connects to the database at `url` and brings its schema up to date. With `create`, the database must
    /// not hold a Unitrace store yet and one is created; without, it must hold one.
    /// - Throws: ``StoreError``: `unavailable` naming the address when the server cannot be reached,
    ///   `missing` / `alreadyExists`, `newerSchema` when a newer Unitrace wrote the schema.
    public static func open(
        url: String, connections: Int = 8, create: Bool = false, logger: Logger = Logger(label: "unitrace.postgres")
    ) async throws -> PostgresStore {
        let address = try Address(url: url)
        var configuration: PostgresClient.Configuration
        if let folder = address.socketFolder {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(address.port)", username: address.user,
                password: address.password, database: address.database)
        } else {
            configuration = .init(
                host: address.host, port: address.port, username: address.user, password: address.password,
                database: address.database, tls: .disable)
        }
        configuration.options.maximumConnections = max(1, connections)
        configuration.options.connectTimeout = .seconds(5)
        do {
            try await probe(address, configuration: configuration, logger: logger)
        } catch let error as StoreError where create && error.message.contains("does not exist") {
            try await createDatabase(url: url)
        }
        let store = PostgresStore(
            client: PostgresClient(configuration: configuration), address: address, logger: logger)
        do {
            try await store.migrate(create: create)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot use PostgreSQL at \(address): \(Self.describe(error))")
        }
        return store
    }

    /// One connection made and closed before the pool starts: the pool retries a server that is down, and
    /// a command must instead fail at once, naming the address it tried.
    private static func probe(_ address: Address, configuration: PostgresClient.Configuration, logger: Logger)
        async throws
    {
        let connection: PostgresConnection
        do {
            connection = try await connect(address, logger: logger)
        } catch {
            throw StoreError(.unavailable, "cannot reach PostgreSQL at \(address): \(describe(error))")
        }
        try? await connection.close()
    }

    /// One connection to `address`, or to another database on the same server.
    static func connect(_ address: Address, database: String? = nil, logger: Logger) async throws
        -> PostgresConnection
    {
        var settings: PostgresConnection.Configuration
        if let folder = address.socketFolder {
            settings = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(address.port)", username: address.user,
                password: address.password, database: database ?? address.database)
        } else {
            settings = .init(
                host: address.host, port: address.port, username: address.user, password: address.password,
                database: database ?? address.database, tls: .disable)
        }
        settings.options.connectTimeout = .seconds(5)
        return try await PostgresConnection.connect(configuration: settings, id: 0, logger: logger)
    }

    /// Runs one statement on the server's `postgres` database: creating or dropping the database `url` names.
    private static func administer(_ url: String, _ statement: (String) -> String) async throws {
        let address = try Address(url: url)
        guard address.database.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw InputError(
                code: .invalidField, message: "database name '\(address.database)' must be letters, digits and _")
        }
        let logger = Logger(label: "unitrace.postgres")
        let connection: PostgresConnection
        do {
            connection = try await connect(address, database: "postgres", logger: logger)
        } catch {
            throw StoreError(.unavailable, "cannot reach PostgreSQL at \(address): \(describe(error))")
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: statement(address.database)), logger: logger)
        } catch {
            try? await connection.close()
            throw StoreError(.unavailable, "PostgreSQL at \(address) refused: \(describe(error))")
        }
        try? await connection.close()
    }

    /// Creates the database `url` names on its server (`init` does when it is missing).
    public static func createDatabase(url: String) async throws {
        try await administer(url) { "CREATE DATABASE \($0)" }
    }

    /// Drops the database `url` names, if it exists (the benchmarks start from empty databases).
    public static func dropDatabase(url: String) async throws {
        try await administer(url) { "DROP DATABASE IF EXISTS \($0)" }
    }

    private init(client: PostgresClient, address: Address, logger: Logger) {
        self.client = client
        self.address = address.description
        self.logger = logger
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Applies the migrations this build knows and the database lacks, each in its own transaction, under
    /// an advisory lock so that two processes starting at once do not both apply them.
    func migrate(create: Bool) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(727172)", logger: logger)
            do {
                var exists = false
                for try await found in try await connection.query(
                    "SELECT to_regclass('unitrace_migration') IS NOT NULL", logger: logger
                ).decode(Bool.self) {
                    exists = found
                }
                if create, exists {
                    throw StoreError(
                        .alreadyExists,
                        "the database at \(address) already holds a Unitrace store; Unitrace will not overwrite it")
                }
                if !create, !exists {
                    throw StoreError(
                        .missing,
                        "no Unitrace store in the database at \(address); create one with `unitrace init --db URL`")
                }
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS unitrace_migration (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    logger: logger)
                var applied = Set<String>()
                for try await id in try await connection.query("SELECT id FROM unitrace_migration", logger: logger)
                    .decode(String.self)
                {
                    applied.insert(id)
                }
                let known = PostgresSchema.migrations.map(\.id)
                if let newer = applied.subtracting(known).sorted().last {
                    throw StoreError(
                        .newerSchema,
                        "the database at \(address) was written by a newer Unitrace (schema \(newer)); this one knows up to \(known.last!): upgrade unitrace"
                    )
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in PostgresSchema.statements(migration.sql) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        switch migration.id {
                        case "0006_identifier_index": try await Self.fillIdentifierIndex(on: connection, logger: logger)
                        case "0007_stock": try await Self.fillStock(on: connection, logger: logger)
                        case "0013_outermost": try await Self.fillOutermost(on: connection, logger: logger)
                        default: break
                        }
                        try await connection.query(
                            "INSERT INTO unitrace_migration (id) VALUES (\(migration.id))", logger: logger)
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(727172)", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(727172)", logger: logger)
        }
    }

    /// Fills the identifier index from the captured events already in the ledger.
    static func fillIdentifierIndex(on connection: PostgresConnection, logger: Logger) async throws {
        var entries: [IdentifierEntry] = []
        for try await (sequence, header, hash) in try await connection.query(
            #"SELECT sequence, header, hash FROM event WHERE header LIKE '%"epcis":%' ORDER BY sequence"#,
            logger: logger
        ).decode((Int64, String, ByteBuffer).self) {
            let recorded = try StoredForms.recorded(
                sequence: sequence, header: header, hash: Array(hash.readableBytesView))
            entries += Projections.identifiers(of: recorded.event).map {
                IdentifierEntry(sequence: sequence, identifier: $0)
            }
        }
        for start in stride(from: 0, to: entries.count, by: 10_000) {
            try await insertIdentifiers(
                Array(entries[start..<min(start + 10_000, entries.count)]), on: connection, logger: logger)
        }
    }

    // MARK: Errors

    /// Runs a read, translating driver errors into ``StoreError``. A read that lost its connection (the
    /// server restarted, or closed an idle connection of the pool) is tried once more on a fresh one.
    func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error where Self.lostConnection(error) {
            do { return try await body() } catch { throw storeError(error) }
        } catch {
            throw storeError(error)
        }
    }

    /// Runs a write, translating driver errors into ``StoreError``. Never tried again here: a write whose
    /// connection was lost may or may not have been committed, so the caller decides (a request's
    /// idempotency key makes its retry safe).
    func writing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw storeError(error)
        }
    }

    /// Whether `error` says the connection went away rather than that the statement was refused.
    static func lostConnection(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        if ["57P01", "57P02", "57P03"].contains(error.serverInfo?[.sqlState]) { return true }
        return [.serverClosedConnection, .uncleanShutdown].contains(error.code)
    }

    func storeError(_ error: any Error) -> any Error {
        switch error {
        case let error as StoreError: error
        case let error as PSQLError: translate(error)
        case let error as PostgresTransactionError:
            // What failed inside the transaction, or else its begin or commit.
            if let inner = error.closureError {
                storeError(inner)
            } else if let commit = error.commitError {
                storeError(commit)
            } else if let begin = error.beginError {
                storeError(begin)
            } else {
                StoreError(.unavailable, "lost PostgreSQL at \(address): \(error)")
            }
        default: error
        }
    }

    func translate(_ error: PSQLError) -> StoreError {
        switch error.serverInfo?[.sqlState] {
        case "23505", "23503", "40001", "40P01":
            StoreError(.conflict, "another writer changed the same data; try again")
        case let state?:
            StoreError(
                .unavailable,
                "PostgreSQL at \(address) refused: \(error.serverInfo?[.message] ?? "error \(state)")")
        case nil:
            StoreError(.unavailable, "lost PostgreSQL at \(address): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying {
                let text = "\(underlying)"
                // The socket's own words, without the layers of wrapping around them.
                for (needle, plain) in [
                    ("Connection refused", "connection refused"), ("timed out", "timed out"),
                    ("No such file or directory", "no socket there"), ("No route to host", "no route to host"),
                    ("Name or service not known", "unknown host"),
                ] where text.contains(needle) {
                    return plain
                }
                return "\(error.code): \(text)"
            }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
