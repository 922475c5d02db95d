import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory
import UnitracePostgres
import UnitraceSQLite

/// Options shared by every command that touches a store.
struct StoreOptions: ParsableArguments {
    @Option(
        help: """
            The store: a SQLite file, or a PostgreSQL database as postgres://user@host:port/database \
            (default: $UNITRACE_DB, else ./unitrace.sqlite).
            """)
    var db: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    var path: String {
        db ?? ProcessInfo.processInfo.environment["UNITRACE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "unitrace.sqlite"
    }

    var output: Output { Output(json: json) }

    /// The store as printed: a PostgreSQL URL loses its password.
    var displayPath: String {
        guard isPostgres, var url = URLComponents(string: path), url.password != nil else { return path }
        url.password = nil
        return url.string ?? path
    }

    /// Whether `path` names a PostgreSQL database rather than a SQLite file.
    var isPostgres: Bool { path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") }

    /// Connections a PostgreSQL store may open (`UNITRACE_DB_CONNECTIONS`, default 8).
    var connections: Int {
        ProcessInfo.processInfo.environment["UNITRACE_DB_CONNECTIONS"].flatMap(Int.init).map { max(1, $0) } ?? 8
    }

    /// Opens the existing store `path` names, in whichever engine it is.
    func openStore() async throws -> any InventoryStore {
        if isPostgres { return try await PostgresStore.open(url: path, connections: connections) }
        return try SQLiteStore.open(path: path)
    }

    /// Creates a new store: a new SQLite file, or the schema in an empty PostgreSQL database.
    func createStore() async throws -> any InventoryStore {
        if isPostgres { return try await PostgresStore.open(url: path, connections: connections, create: true) }
        return try SQLiteStore.create(path: path)
    }

    func openInventory(webhookEgress: WebhookEgress = WebhookEgress()) async throws -> Inventory {
        Inventory(
            store: try await openStore(),
            settings: InventorySettings(sealingKey: try Self.sealingKey(), webhookEgress: webhookEgress))
    }

    /// The key that seals secrets: the file `UNITRACE_SECRET_KEY_FILE` names, or `UNITRACE_SECRET_KEY` itself.
    static func sealingKey() throws -> SealingKey? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["UNITRACE_SECRET_KEY_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw InputError(
                    code: .secretKeyMissing,
                    message: "cannot read the secret key file \(path) (UNITRACE_SECRET_KEY_FILE)")
            }
            return try SealingKey(text: text)
        }
        if let text = environment["UNITRACE_SECRET_KEY"], !text.isEmpty { return try SealingKey(text: text) }
        return nil
    }
}

/// Who, when, why and with which documents.
struct EventOptions: ParsableArguments {
    @Option(help: "Who did it (default: $UNITRACE_ACTOR, else the login name).")
    var actor: String?

    @Option(help: "When it happened, ISO 8601 with offset, e.g. 2026-11-27T14:03:00+01:00 (default: now).")
    var time: String?

    @Option(name: .customLong("doc"), help: "A business document as type:id, e.g. po:PO-4711 (repeatable).")
    var documents: [String] = []

    @Option(help: "Why (required for quarantine, scrap, return and correct).")
    var reason: String?

    func context() throws(InputError) -> EventContext {
        let who = Self.actor(given: actor)
        return EventContext(
            actor: who,
            occurredAt: try time.map { text throws(InputError) in try Timestamp(iso8601: text) },
            documents: try documents.map { text throws(InputError) in try DocumentRef(parsing: text) },
            reason: reason)
    }

    /// `given`, else `$UNITRACE_ACTOR`, else the login name.
    static func actor(given: String?) -> String {
        given ?? ProcessInfo.processInfo.environment["UNITRACE_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? loginName()
    }

    private static func loginName() -> String {
        let environment = ProcessInfo.processInfo.environment
        for name in ["USER", "LOGNAME"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        let name = NSUserName()
        return name.isEmpty ? "unknown" : name
    }
}

/// Units to act on: arguments, a file, or standard input.
struct ScanOptions: ParsableArguments {
    @Argument(
        help:
            "Units: SKU/SERIAL, a bare serial, or an alias (VIN, IMEI, own serial, …); move, ship and arrive also take containers by SSCC."
    )
    var units: [String] = []

    @Option(help: "Read scans from FILE, one a line ('-' for standard input).")
    var from: String?

    @Option(help: "Take bare serials as serials of this product.")
    var product: String?

    func scans() throws -> [String] {
        try readScans(arguments: units, from: from)
    }
}

/// Arguments first, then the lines of `from` (or of standard input when nothing else is given and it is not
/// a terminal). Blank lines and lines starting with `#` are skipped.
func readScans(arguments: [String], from: String?) throws -> [String] {
    var scans = arguments
    var text: String?
    if let from {
        if from == "-" {
            text = try utf8(FileHandle.standardInput.readDataToEndOfFile(), from: "standard input")
        } else {
            guard let data = FileManager.default.contents(atPath: from) else {
                throw InputError(code: .invalidField, message: "cannot read --from file \(from)")
            }
            text = try utf8(data, from: from)
        }
    } else if arguments.isEmpty, isatty(0) == 0 {
        text = try utf8(FileHandle.standardInput.readDataToEndOfFile(), from: "standard input")
    }
    if let text {
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            scans.append(trimmed)
        }
    }
    return scans
}

/// Runs `body`, turning every failure into one-line messages on stderr and the documented exit code.
func reporting(_ output: Output, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        throw ExitCode(output.fail(error))
    }
}

/// `data` as text, refusing bytes that are not UTF-8 (naming the line) rather than replacing them.
func utf8(_ data: Data, from source: String) throws(InputError) -> String {
    if let text = String(validating: data, as: UTF8.self) { return text }
    var line = 1
    var start = data.startIndex
    for index in data.indices where data[index] == 0x0A {
        if String(validating: data[start..<index], as: UTF8.self) == nil { break }
        line += 1
        start = data.index(after: index)
    }
    throw InputError(
        code: .invalidField, message: "line \(line) of \(source) is not valid UTF-8 text; nothing recorded")
}
