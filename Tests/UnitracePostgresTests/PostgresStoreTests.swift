import Foundation
import Logging
import PostgresNIO
import Testing
import UnitraceCore
import UnitracePostgres
import UnitraceSQLite
import UnitraceTestSupport

@testable import UnitraceInventory

func newStore(connections: Int = 4) async throws -> (PostgresStore, String) {
    let url = try await TestStores.newDatabase()
    return (try await PostgresStore.open(url: url, connections: connections, create: true), url)
}

func exported(_ inventory: Inventory) async throws -> [String] {
    var lines: [String] = []
    _ = try await inventory.export { lines.append($0) }
    return lines
}

/// Runs `sql` on the database at `url` behind the store's back.
func raw(_ url: String, _ sql: String) async throws {
    try await raw(url, [sql])
}

/// Runs `statements` in order on one connection to the database at `url`, behind the store's back.
func raw(_ url: String, _ statements: [String]) async throws {
    let parts = try #require(URLComponents(string: url))
    let connection = try await PostgresConnection.connect(
        configuration: .init(
            host: parts.host!, port: parts.port!, username: parts.user!, password: nil,
            database: String(parts.path.dropFirst()), tls: .disable),
        id: 9, logger: Logger(label: "unitrace.tests"))
    defer { Task { try? await connection.close() } }
    for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: connection.logger) }
}

@Suite("PostgreSQL store contract", .timeLimit(.minutes(2)))
struct PostgresStoreContractTests {
    @Test("ledger", arguments: StoreContract.of(.ledger))
    func ledger(_ contract: StoreContract) async throws { try await contract.check(try await newStore().0) }

    @Test("catalogue", arguments: StoreContract.of(.catalogue))
    func catalogue(_ contract: StoreContract) async throws { try await contract.check(try await newStore().0) }

    @Test("units", arguments: StoreContract.of(.units))
    func units(_ contract: StoreContract) async throws { try await contract.check(try await newStore().0) }

    @Test("access", arguments: StoreContract.of(.access))
    func access(_ contract: StoreContract) async throws { try await contract.check(try await newStore().0) }
}

@Suite("PostgreSQL engine", .timeLimit(.minutes(2)))
struct PostgresEngineTests {
    @Test("many writers in separate pools append one gap-free chain that verifies")
    func manyWriters() async throws {
        let (first, url) = try await newStore()
        let setup = try await Warehouse.make(on: first)
        let serials = (0..<160).map { String(format: "M-%06d", $0) }
        _ = try await Warehouse.receiveMotors(setup, serials)
        // Eight stores with pools of their own stand for eight server processes writing at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let store = try await PostgresStore.open(url: url, connections: 3)
                    let inventory = Inventory(store: store)
                    for serial in serials[(writer * 20)..<(writer * 20 + 20)] {
                        _ = try await inventory.move(["EVM-200/\(serial)"], to: "WH1-B", context: .dock)
                    }
                }
            }
            try await group.waitForAll()
        }
        let head = try await first.head()
        #expect(head.sequence == 161)
        let events = try await first.events(after: 0, limit: 1_000, matching: .all)
        #expect(events.map(\.sequence) == Array(1...161))
        #expect(try await Inventory(store: first).verify().ok)
        let states = try await first.states(of: Set(serials.map { UnitKey(sku: "EVM-200", serial: $0) }))
        #expect(states.values.allSatisfy { $0.location == "WH1-B" })
    }

    @Test("clients racing to sell the same unit end with exactly one sale")
    func racingSales() async throws {
        let (first, url) = try await newStore()
        let setup = try await Warehouse.make(on: first)
        _ = try await Warehouse.receiveMotors(setup, ["M-000117"])
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for client in 0..<10 {
                group.addTask {
                    let inventory = Inventory(store: try await PostgresStore.open(url: url, connections: 1))
                    do {
                        _ = try await inventory.sell(
                            ["EVM-200/M-000117"], sale: Sale(customer: "C-\(client)", channel: "online"),
                            context: .dock)
                        return true
                    } catch is BatchRejected {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let history = try await first.history(of: .motor117)
        #expect(history.map(\.event.kind) == [.receive, .sell])
        #expect(try await first.states(of: [.motor117])[.motor117]?.status == .sold)
    }

    @Test("export from SQLite, import into PostgreSQL, and back: the same ledger, verify green on both")
    func betweenEngines() async throws {
        let sqlite = Inventory(store: try SQLiteStore.inMemory())
        _ = try await sqlite.loadDemo()
        let lines = try await exported(sqlite)
        let (postgres, _) = try await newStore()
        var source = ArrayLines(lines: lines)
        let report = try await Inventory(store: postgres).importLedger(from: &source)
        #expect(report.events > 20)
        #expect(try await postgres.head() == (try await sqlite.store.head()))
        #expect(try await Inventory(store: postgres).verify().ok)
        #expect(try await exported(Inventory(store: postgres)) == lines)
        let back = Inventory(store: try SQLiteStore.inMemory())
        var again = ArrayLines(lines: try await exported(Inventory(store: postgres)))
        _ = try await back.importLedger(from: &again)
        #expect(try await back.store.head() == (try await postgres.head()))
        #expect(try await back.verify().ok)
    }

    @Test("the ledger refuses UPDATE, DELETE and TRUNCATE")
    func immutable() async throws {
        let (store, url) = try await newStore()
        _ = try await Warehouse.receiveMotors(try await Warehouse.make(on: store), ["M-000117"])
        for sql in [
            "UPDATE event SET kind = 'scrap'", "DELETE FROM event_unit", "TRUNCATE event CASCADE",
            "UPDATE event_unit SET detail = NULL",
        ] {
            await #expect(throws: (any Error).self, "\(sql)") { try await raw(url, sql) }
        }
        #expect(try await Inventory(store: store).verify().ok)
    }

    @Test("every column, row and index edited behind the tool's back is caught", arguments: Tampering.all)
    func tampering(_ tampering: Tampering) async throws {
        // Given a ledger that verifies, and its head kept elsewhere
        let (store, url) = try await newStore()
        let inventory = try await Warehouse.make(on: store)
        try await Tampering.makeLedger(inventory)
        #expect(try await inventory.verify().ok)
        let head = try await inventory.head()
        // When a superuser turns the triggers (and the foreign keys) off and edits the tables
        try await raw(url, ["SET session_replication_role = replica"] + tampering.statements)
        // Then verify names what was done
        tampering.check(try await inventory.verify(witnessed: tampering.withHead ? head : nil))
    }

    @Test("a server that cannot be reached is named in the error")
    func unreachable() async throws {
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.open(url: "postgres://unitrace@127.0.0.1:9/ledger")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("unitrace@127.0.0.1:9/ledger") == true)
    }

    @Test(
        "bad URLs are refused before any connection", arguments: ["mysql://x@h/db", "postgres://x@h:5432", "nonsense"])
    func badURL(_ url: String) async throws {
        let error = await #expect(throws: InputError.self) { _ = try await PostgresStore.open(url: url) }
        #expect(error?.message.contains(url) == true)
    }

    @Test("a schema newer than this build is refused with both versions named")
    func newerSchema() async throws {
        let (_, url) = try await newStore()
        try await raw(url, "INSERT INTO unitrace_migration (id) VALUES ('9999_from_the_future')")
        let error = await #expect(throws: StoreError.self) { _ = try await PostgresStore.open(url: url) }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("9999_from_the_future") == true)
        #expect(error?.message.contains("0014_lot_inputs") == true)
    }

    @Test("a store from before the identifier index gets it, filled from its captured events, when opened")
    func identifierIndexUpgrade() async throws {
        let (store, url) = try await newStore()
        let inventory = Inventory(store: store, environment: .fixed())
        _ = try await inventory.importEPCIS(
            open: { EPCISDocument.chunks(EPCISFixtures.twoCapturedEvents) }, context: EventContext(actor: "partner"))
        try await raw(url, "DROP TABLE event_identifier")
        try await raw(url, "DELETE FROM unitrace_migration WHERE id = '0006_identifier_index'")
        let reopened = try await PostgresStore.open(url: url)
        let child = IdentifierName(canonicalizing: "urn:epc:id:sgtin:0614141.107346.2017")
        #expect(try await reopened.sequences(naming: [child], after: 0, limit: 10) == [1, 2])
        #expect(try await Inventory(store: reopened, environment: .fixed()).verify().ok)
    }

    @Test("init refuses a database that already holds a store; open refuses one that holds none")
    func createAndOpen() async throws {
        let (_, url) = try await newStore()
        let again = await #expect(throws: StoreError.self) { _ = try await PostgresStore.open(url: url, create: true) }
        #expect(again?.code == .alreadyExists)
        let empty = try await TestStores.newDatabase()
        let missing = await #expect(throws: StoreError.self) { _ = try await PostgresStore.open(url: empty) }
        #expect(missing?.code == .missing)
    }

    @Test("the connection lost in the middle of a batch: the batch is whole or absent, and a retry records it once")
    func lostMidBatch() async throws {
        let (store, url) = try await newStore()
        let inventory = try await Warehouse.make(on: store)
        let serials = (0..<20_000).map { String(format: "S-%06d", $0) }
        let request = RequestRef(id: "retry-1", fingerprint: "f")
        let context = EventContext(actor: "dock", request: request)
        let receipt = Task {
            try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1-A-01", lines: serials.map { ReceiveLine(serial: $0) }),
                context: context)
        }
        try await Task.sleep(for: .milliseconds(150))
        try await raw(
            url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        let first = await receipt.result
        let head = try await store.head()
        let units = try await store.find(UnitQuery(sku: "EVM-200", limit: 100_000)).count
        switch first {
        case .success: #expect(head.sequence == 1 && units == 20_000)
        case .failure: #expect(head.sequence == 0 && units == 0)
        }
        // The retry, with the same request: recorded once, whichever way the first attempt went.
        if case .failure = first {
            _ = try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1-A-01", lines: serials.map { ReceiveLine(serial: $0) }),
                context: context)
        }
        await #expect(throws: (any Error).self) {
            _ = try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1-A-01", lines: serials.map { ReceiveLine(serial: $0) }),
                context: context)
        }
        #expect(try await store.head().sequence == 1)
        #expect(try await store.event(requestID: "retry-1")?.event.units.count == 20_000)
        #expect(try await inventory.verify().ok)
    }
}
