import Foundation
import GRDB
import Testing
import UnitraceCore
import UnitraceInventory
import UnitraceSQLite
import UnitraceTestSupport

/// Each part of the store protocol, in memory and in a WAL file on disk.
@Suite("SQLite store contract")
struct SQLiteStoreContractTests {
    static func check(_ contract: StoreContract) async throws {
        try await contract.check(SQLiteStore.inMemory())
        try await withTemporaryDirectory { dir in
            try await contract.check(SQLiteStore.create(path: dir.appendingPathComponent("unitrace.sqlite").path))
        }
    }

    @Test("ledger", arguments: StoreContract.of(.ledger))
    func ledger(_ contract: StoreContract) async throws { try await Self.check(contract) }

    @Test("catalogue", arguments: StoreContract.of(.catalogue))
    func catalogue(_ contract: StoreContract) async throws { try await Self.check(contract) }

    @Test("units", arguments: StoreContract.of(.units))
    func units(_ contract: StoreContract) async throws { try await Self.check(contract) }

    @Test("access", arguments: StoreContract.of(.access))
    func access(_ contract: StoreContract) async throws { try await Self.check(contract) }
}

/// Opens the file behind the store's back, as someone editing it with a SQLite tool would.
private func tamper(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
}

@Suite("SQLite file")
struct SQLiteFileTests {
    @Test("opening: missing file, existing file on create, foreign file, newer schema")
    func opening() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let missing = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
            #expect(missing.code == .missing)
            #expect(missing.message.contains(path))

            _ = try SQLiteStore.create(path: path)
            #expect(throws: StoreError.self) { try SQLiteStore.create(path: path) }
            _ = try SQLiteStore.open(path: path)

            try tamper(path, "INSERT INTO grdb_migrations (identifier) VALUES ('0099_from_the_future')")
            let newer = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
            #expect(newer.code == .newerSchema)
            #expect(newer.message.contains("0099_from_the_future"))
            #expect(newer.message.contains("0014_lot_inputs"))

            let text = dir.appendingPathComponent("notes.txt").path
            try Data("not a database, just notes\n".utf8).write(to: URL(fileURLWithPath: text))
            #expect((try? SQLiteStore.open(path: text)) == nil)
            let foreign = dir.appendingPathComponent("other.sqlite").path
            try tamper(foreign, "CREATE TABLE t (x)")
            let notOurs = try #require(throws: StoreError.self) { try SQLiteStore.open(path: foreign) }
            #expect(notOurs.code == .notAStore)
        }
    }

    @Test("a store from before the identifier index gets it, filled from its captured events, when opened")
    func identifierIndexUpgrade() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let inventory = Inventory(store: try SQLiteStore.create(path: path), environment: .fixed())
            _ = try await inventory.importEPCIS(
                open: { EPCISDocument.chunks(EPCISFixtures.twoCapturedEvents) }, context: EventContext(actor: "partner")
            )
            // What the store was before migration 0006.
            try tamper(
                path,
                "DROP TABLE event_identifier; DELETE FROM grdb_migrations WHERE identifier = '0006_identifier_index'")
            let reopened = try SQLiteStore.open(path: path)
            let child = IdentifierName(canonicalizing: "urn:epc:id:sgtin:0614141.107346.2017")
            #expect(try await reopened.sequences(naming: [child], after: 0, limit: 10) == [1, 2])
            #expect(try await Inventory(store: reopened, environment: .fixed()).verify().ok)
        }
    }

    @Test("the store itself refuses to change or delete an event")
    func appendOnly() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let inventory = try await Warehouse.make(on: try SQLiteStore.create(path: path))
            try await Warehouse.receiveMotors(inventory, ["M-1"])
            #expect(throws: DatabaseError.self) { try tamper(path, "UPDATE event SET kind = 'move'") }
            #expect(throws: DatabaseError.self) { try tamper(path, "DELETE FROM event_unit") }
            #expect(try await inventory.verify().ok)
        }
    }

    @Test("editing an event behind the tool's back is caught at its sequence")
    func editedEvent() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let inventory = try await Warehouse.make(on: try SQLiteStore.create(path: path))
            try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"])
            _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
            _ = try await inventory.move(["M-2"], to: "WH1-B", context: .dock)
            try tamper(
                path,
                """
                DROP TRIGGER event_no_update;
                UPDATE event SET header = replace(header, '"actor":"ada"', '"actor":"mallory"') WHERE sequence = 2;
                """)
            let report = try await Inventory(store: try SQLiteStore.open(path: path)).verify()
            #expect(!report.ok)
            #expect(report.firstBrokenSequence == 2)
            #expect(report.problems.first?.hasPrefix("sequence 2: hash does not match") == true)
        }
    }

    @Test("every column, row and index edited behind the tool's back is caught", arguments: Tampering.all)
    func tampering(_ tampering: Tampering) async throws {
        try await withTemporaryDirectory { dir in
            // Given a ledger that verifies, and its head kept elsewhere
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let inventory = try await Warehouse.make(on: try SQLiteStore.create(path: path))
            try await Tampering.makeLedger(inventory)
            #expect(try await inventory.verify().ok)
            let head = try await inventory.head()
            // When someone drops the triggers and edits the file
            try tamper(
                path,
                """
                PRAGMA foreign_keys = OFF;
                DROP TRIGGER event_no_update; DROP TRIGGER event_no_delete;
                DROP TRIGGER event_unit_no_update; DROP TRIGGER event_unit_no_delete;
                \(tampering.statements.joined(separator: ";\n"));
                """)
            // Then verify names what was done
            let report = try await Inventory(store: try SQLiteStore.open(path: path)).verify(
                witnessed: tampering.withHead ? head : nil)
            tampering.check(report)
        }
    }

    @Test("a head recorded earlier is proved to be in the chain; a wrong one is refused")
    func witnessedHead() async throws {
        let inventory = try await Warehouse.make(on: try SQLiteStore.inMemory())
        try await Tampering.makeLedger(inventory)
        let head = try await inventory.head()
        _ = try await inventory.move(["M-2"], to: "WH1-A", context: .dock)
        #expect(try await inventory.verify(witnessed: head).ok)
        let forged = HeadClaim(sequence: 2, hash: head.hash)
        let report = try await inventory.verify(witnessed: forged)
        #expect(report.firstBrokenSequence == 2)
        #expect(report.problems.first?.contains("is not this chain's hash there") == true)
        #expect(throws: InputError.self) { try HeadClaim(parsing: "4:abc") }
        #expect(try HeadClaim(parsing: head.description) == head)
    }

    @Test("a removed event and an edited projection are both caught")
    func removedEventAndEditedUnit() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let inventory = try await Warehouse.make(on: try SQLiteStore.create(path: path))
            try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"])
            _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
            try tamper(path, "UPDATE unit SET status = 'scrapped' WHERE serial = 'M-2'")
            var report = try await inventory.verify()
            #expect(report.firstBrokenSequence == nil)
            #expect(report.mismatchedUnits == ["EVM-200/M-2"])

            _ = try await inventory.move(["M-1"], to: "WH1-A-01", context: .dock)
            try tamper(
                path,
                """
                DROP TRIGGER event_no_delete; DROP TRIGGER event_unit_no_delete;
                DELETE FROM event_unit WHERE sequence = 2; DELETE FROM event WHERE sequence = 2;
                """)
            report = try await inventory.verify()
            #expect(report.firstBrokenSequence == 2)
            #expect(report.problems.first == "sequence 2: missing from the ledger (next recorded is 3)")
        }
    }

    @Test("writers racing to sell the same unit end with exactly one sale")
    func racingSales() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            let setup = try await Warehouse.make(on: try SQLiteStore.create(path: path))
            try await Warehouse.receiveMotors(setup, ["M-1"])
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        // Each writer has its own connection pool, as separate processes would.
                        let inventory = Inventory(store: try SQLiteStore.open(path: path))
                        do {
                            _ = try await inventory.sell(
                                ["EVM-200/M-1"], sale: Sale(customer: "C-\(index)", channel: "online"), context: .dock)
                            return true
                        } catch let rejected as BatchRejected {
                            #expect(rejected.problems.first?.code == "not-in-stock")
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            let passport = try await setup.passport("EVM-200/M-1")
            #expect(passport.history.map(\.event.kind) == [.receive, .sell])
            #expect(try await setup.verify().ok)
        }
    }

    @Test("receiving 2,000 units from one batch writes one event and 2,000 lines")
    func largeBatch() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteStore.create(path: dir.appendingPathComponent("unitrace.sqlite").path)
            let inventory = try await Warehouse.make(on: store)
            let outcome = try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1", count: 2_000), context: .dock)
            #expect(outcome.receipt.events == 1)
            #expect(outcome.receipt.units == 2_000)
            #expect(try await inventory.stock(StockQuery()).first?.count == 2_000)
            #expect(try await inventory.passport("001999").history.first?.unitCount == 2_000)
            #expect(try await inventory.verify().units == 2_000)
        }
    }
}

@Suite("SQLite durability settings")
struct SQLiteDurabilityTests {
    @Test("the file is in WAL mode and syncs every commit")
    func walAndFullSync() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            _ = try SQLiteStore.create(path: path)
            let store = try SQLiteStore.open(path: path)
            let (mode, sync) = try await store.pragmas()
            #expect(mode == "wal")
            #expect(sync == 2)
        }
    }
}

@Suite("Serial counters under concurrent writers")
struct SerialCounterRaceTests {
    @Test("receipts generating serials at once never hand out the same number")
    func racingCounters() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("unitrace.sqlite").path
            _ = try await Warehouse.make(on: try SQLiteStore.create(path: path))
            let serials = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let inventory = Inventory(store: try SQLiteStore.open(path: path))
                        let outcome = try await inventory.receive(
                            ReceiveRequest(sku: "EVM-200", location: "WH1", count: 25), context: .dock)
                        return outcome.units.map(\.serial)
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(serials.count == 150)
            #expect(Set(serials).count == 150)
            let store = try SQLiteStore.open(path: path)
            #expect(try await store.nextSerialNumber(sku: "EVM-200") == 151)
            #expect(try await Inventory(store: store).verify().ok)
        }
    }
}

@Suite("Group commit")
struct GroupCommitTests {
    @Test("many writers in one process share transactions; each batch stands or falls alone")
    func concurrentWriters() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteStore.create(path: dir.appendingPathComponent("unitrace.sqlite").path)
            let inventory = try await Warehouse.make(on: store)
            let serials = (1...60).map { "G-\($0)" }
            try await Warehouse.receiveMotors(inventory, serials)
            let stale = try #require(try await store.states(of: [UnitKey(sku: "EVM-200", serial: "G-1")]).values.first)
            _ = try await inventory.move(["EVM-200/G-1"], to: "WH1-B", context: .dock)

            // Sixty moves at once, plus one batch written against a state that has moved on.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for serial in serials.dropFirst() {
                    group.addTask {
                        _ = try await inventory.move(["EVM-200/\(serial)"], to: "SHOP", context: .dock)
                        return true
                    }
                }
                group.addTask {
                    var after = stale
                    after.location = "SHOP"
                    let event = Event(
                        id: UUID(), kind: .move, occurredAt: .init(millisecondsSince1970: 0),
                        recordedAt: .init(millisecondsSince1970: 0),
                        location: "SHOP", actor: "ada", units: [EventLine(unit: stale.key)])
                    do {
                        _ = try await store.commit(
                            CommitBatch(
                                items: [.init(event: event)], changes: [.init(before: stale, after: after, lastItem: 0)]
                            ))
                        return true
                    } catch let error as StoreError {
                        #expect(error.code == .conflict)
                        return false
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 59)
            #expect(try await store.head().sequence == 2 + 59)
            #expect(try await inventory.verify().ok)
            #expect(try await inventory.passport("EVM-200/G-1").state.location == "WH1-B")
        }
    }
}
