import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

/// The embedded store: one SQLite file in WAL mode (one writer, concurrent readers), through GRDB.
public struct SQLiteStore: InventoryStore {
    let writer: any DatabaseWriter
    let committer: GroupCommitter

    /// Creates a new store at `path`.
    /// - Throws: ``StoreError`` when a file is already there or cannot be created.
    public static func create(path: String) throws -> SQLiteStore {
        if FileManager.default.fileExists(atPath: path) {
            throw StoreError(.alreadyExists, "a file already exists at \(path); Unitrace will not overwrite it")
        }
        return try mapErrors(path: path) {
            try SQLiteStore(
                writer: DatabasePool(path: path, configuration: configuration()), checkpointer: Checkpointer(path: path)
            )
        }
    }

    /// Opens the store at `path`, bringing an older schema up to date.
    /// - Throws: ``StoreError``: `missing` when there is no file, `notAStore`, `newerSchema`, `unavailable`.
    public static func open(path: String) throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.missing, "no store at \(path); create one with `unitrace init` or pick another with --db")
        }
        return try mapErrors(path: path) {
            let pool = try DatabasePool(path: path, configuration: configuration())
            try pool.read { db in
                guard try db.tableExists("grdb_migrations") else {
                    throw StoreError(.notAStore, "\(path) is not a Unitrace store")
                }
                let known = Set(SQLiteSchema.MigrationID.allCases.map(\.rawValue))
                let applied = try SQLiteSchema.migrator.appliedIdentifiers(db)
                if let newer = applied.subtracting(known).sorted().last {
                    throw StoreError(
                        .newerSchema,
                        "\(path) was written by a newer Unitrace (schema \(newer)); this one knows up to \(SQLiteSchema.latest): upgrade unitrace"
                    )
                }
            }
            return try SQLiteStore(writer: pool, checkpointer: Checkpointer(path: path))
        }
    }

    /// A private in-memory store: real SQLite, for tests.
    public static func inMemory() throws -> SQLiteStore {
        try SQLiteStore(writer: DatabaseQueue(configuration: configuration()))
    }

    private init(writer: any DatabaseWriter, checkpointer: Checkpointer? = nil) throws {
        self.writer = writer
        self.committer = GroupCommitter(writer: writer, checkpointer: checkpointer)
        try SQLiteSchema.migrator.migrate(writer)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        // An acknowledged event must survive a power cut, not only a crash: sync the WAL on every commit.
        // Checkpoints run in the background (see ``Checkpointer``); the one inside a commit waits for a
        // log ten times SQLite's default, as a backstop.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 10000")
            // Reads map the file instead of copying each page with a system call; the pages are the
            // operating system's cache, shared by every connection.
            try db.execute(sql: "PRAGMA mmap_size = 4294967296")
        }
        return configuration
    }

    /// Reads a value from the `meta` table.
    public func meta(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Writes a value into the `meta` table.
    public func setMeta(_ key: String, _ value: String) async throws {
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// The journal mode and synchronous level of a connection, as SQLite reports them.
    public func pragmas() async throws -> (journalMode: String, synchronous: Int) {
        try await read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            )
        }
    }

    // MARK: Access with errors translated

    /// A short read (a few indexed rows). It runs on GRDB's reader threads and is awaited, like every read:
    /// a read that blocked the caller's thread while it waits for a free reader connection could hold every
    /// thread of the cooperative pool, and the connections in use then wait for one of those threads to hand
    /// back their results: the whole process stops.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mapErrorsAsync { try await writer.read(body) }
    }

    /// A long read (a page of events, a search, an aggregate) on GRDB's own reader threads, so that it does not
    /// hold one of the few threads that serve requests.
    func scan<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mapErrorsAsync { try await writer.read(body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mapErrorsAsync { try await writer.write(body) }
    }

    static func mapErrors<T>(path: String? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw translate(error, path: path)
        }
    }

    static func mapErrorsAsync<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw translate(error, path: nil)
        }
    }

    static func translate(_ error: DatabaseError, path: String?) -> StoreError {
        let place = path.map { " at \($0)" } ?? ""
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            return StoreError(.conflict, "another writer changed the same data; try again")
        case .SQLITE_NOTADB:
            return StoreError(.notAStore, "the file\(place) is not a Unitrace store")
        case .SQLITE_CORRUPT:
            return StoreError(.corrupt, "the store\(place) is damaged: \(error.message ?? "corrupt file")")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.unavailable, "the store\(place) is locked by another process; try again")
        default:
            return StoreError(
                .unavailable, "the store\(place) cannot be used: \(error.message ?? "\(error.resultCode)")")
        }
    }
}
