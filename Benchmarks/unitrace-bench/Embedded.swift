import Foundation
import GRDBSQLite
import UnitraceCore
import UnitraceInventory
import UnitraceSQLite

/// E1–E4: the CLI's use cases on a store in this process, no HTTP.
struct EmbeddedWorkloads {
    let options: Options
    let stores: BenchStores
    let results: Results

    /// The ledger file for `events` events, written once per work folder.
    func ledgerFile(_ ledger: SyntheticLedger) throws -> String {
        let path = options.work + "/ledger-\(ledger.events).jsonl"
        if !FileManager.default.fileExists(atPath: path) {
            let elapsed = try syncSeconds { try ledger.write(to: path + ".part") }
            try FileManager.default.moveItem(atPath: path + ".part", toPath: path)
            print(
                "   (wrote \(path): \(ledger.units.formatted()) units, \(ledger.events.formatted()) events, \(String(format: "%.1f", elapsed)) s)"
            )
        }
        return path
    }

    /// E1: `import` of the synthetic ledger into a new store, in a child process so that its peak memory
    /// is the import's own. Returns the path of the store of the last run.
    @discardableResult
    func importLedger(_ ledger: SyntheticLedger, runs: Int) async throws -> String {
        let file = try ledgerFile(ledger)
        var rates: [Double] = []
        var memory: [Double] = []
        var store = ""
        for run in 0..<runs {
            let previous = store
            store = try await stores.fresh("e1-\(ledger.events)-\(run)")
            if run > 0 { stores.remove(previous) }
            let outcome = try ImportChild.run(file: file, store: store)
            guard outcome.events == ledger.events else {
                throw BenchError("import recorded \(outcome.events) events, expected \(ledger.events)")
            }
            rates.append(Double(outcome.events) / outcome.seconds)
            memory.append(outcome.peakMB)
        }
        let size = ledger.events.formatted()
        results.add(Figure(id: "E1", name: "import \(size) events (JSON Lines)", unit: "events/s", runs: rates))
        results.add(
            Figure(
                id: "E1", name: "  peak resident memory, \(size) events", unit: "MB", runs: memory,
                goal: ledger.events >= 10_000_000 ? .atMost(256) : nil))
        return store
    }

    /// E2: the same rows written with the raw SQLite C API into the same tables and indexes.
    func rawInsert(_ ledger: SyntheticLedger, runs: Int, importRate: Double?) throws {
        var rates: [Double] = []
        for run in 0..<runs {
            let path = options.work + "/e2-\(run).sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            _ = try SQLiteStore.create(path: path)  // the schema, by the same migrations
            let elapsed = try RawWriter.write(ledger, to: path)
            rates.append(Double(ledger.events) / elapsed)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var figure = Figure(
            id: "E2", name: "raw SQLite C API, same rows, \(ledger.events.formatted()) events", unit: "events/s",
            runs: rates)
        if let importRate {
            figure.note = String(format: "import reaches %.0f%% of it (goal ≥ 50%%)", importRate / figure.median * 100)
        }
        results.add(figure)
    }

    /// E3: passport, find by attribute and stock on a large store.
    func reads(_ inventory: Inventory, ledger: SyntheticLedger) async throws {
        let scale = "\(ledger.units.formatted()) units"
        var passports: [Latencies] = []
        var finds: [Latencies] = []
        var stocks: [Latencies] = []
        var productStocks: [Latencies] = []
        var matches: [Latencies] = []
        for run in 0...options.repeats {
            var passport = Latencies()
            var find = Latencies()
            var stock = Latencies()
            var productStock = Latencies()
            var match = Latencies()
            for _ in 0..<options.lookups {
                let unit = Int.random(in: 0..<ledger.units)
                let found = try await passport.time { try await inventory.passport(SyntheticLedger.serial(unit)) }
                guard found.history.count >= 2 else { throw BenchError("passport without history") }
            }
            for index in 0..<options.lookups {
                let colour = SyntheticLedger.colours[index % SyntheticLedger.colours.count]
                let sku = SyntheticLedger.sku(index % SyntheticLedger.products)
                let units = try await find.time {
                    try await inventory.find(UnitQuery(sku: sku, attributes: ["colour": colour], limit: 100))
                }
                guard !units.isEmpty else { throw BenchError("find returned no unit") }
            }
            for _ in 0..<max(5, options.lookups / 20) {
                let lines = try await stock.time { try await inventory.stock(StockQuery()) }
                guard !lines.isEmpty else { throw BenchError("stock is empty") }
            }
            for index in 0..<options.lookups {
                let sku = SyntheticLedger.sku(index % SyntheticLedger.products)
                let lines = try await productStock.time { try await inventory.stock(StockQuery(sku: sku)) }
                guard !lines.isEmpty else { throw BenchError("stock of \(sku) is empty") }
            }
            for _ in 0..<options.lookups {
                let unit = Int.random(in: 0..<ledger.units)
                var query = EPCISQuery()
                query.anyEPCs = [
                    "urn:unitrace:unit:\(SyntheticLedger.sku(ofUnit: unit)):\(SyntheticLedger.serial(unit))"
                ]
                let page = try await match.time { try await inventory.queryEPCIS(query, limit: 30) }
                guard page.events.count >= 2 else { throw BenchError("MATCH_anyEPC found no history") }
            }
            if run > 0 {
                passports.append(passport)
                finds.append(find)
                stocks.append(stock)
                productStocks.append(productStock)
                matches.append(match)
            }
        }
        results.add(
            Figure(id: "E3", name: "passport by serial at \(scale), median", unit: "ms", runs: passports.map(\.median)))
        results.add(
            Figure(
                id: "E3", name: "passport by serial at \(scale), p99", unit: "ms", runs: passports.map(\.p99),
                goal: .atMost(0.5)))
        results.add(
            Figure(id: "E3", name: "find 100 by product + attribute, median", unit: "ms", runs: finds.map(\.median)))
        results.add(Figure(id: "E3", name: "find 100 by product + attribute, p99", unit: "ms", runs: finds.map(\.p99)))
        results.add(
            Figure(
                id: "E3", name: "stock, every product × location × status, median", unit: "ms",
                runs: stocks.map(\.median)))
        results.add(
            Figure(id: "E3", name: "stock, every product × location × status, p99", unit: "ms", runs: stocks.map(\.p99))
        )
        results.add(
            Figure(
                id: "E3", name: "stock of one product across every location at \(scale), p99", unit: "ms",
                runs: productStocks.map(\.p99), goal: .atMost(10)))
        results.add(
            Figure(
                id: "E7", name: "EPCIS query MATCH_anyEPC of one unit at \(scale), median", unit: "ms",
                runs: matches.map(\.median)))
        results.add(
            Figure(
                id: "E7", name: "EPCIS query MATCH_anyEPC of one unit at \(scale), p99", unit: "ms",
                runs: matches.map(\.p99), goal: .atMost(5)))
    }
}

func syncSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = now()
    try body()
    return now() - start
}

/// The import run as a child process (`unitrace-bench _import FILE STORE`): the same code as `unitrace import`.
enum ImportChild {
    struct Outcome: Codable {
        var events: Int
        var seconds: Double
        var peakMB: Double
    }

    static func run(file: String, store: String, epcis: Bool = false) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).absoluteURL
        process.arguments = [epcis ? "_epcis" : "_import", file, store]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("import exited with \(process.terminationStatus)")
        }
        return try JSONDecoder().decode(Outcome.self, from: output)
    }

    /// The child's side.
    static func main(file: String, store: String) async throws {
        let inventory = Inventory(store: try await BenchStores.open(store))
        guard let handle = FileHandle(forReadingAtPath: file) else { throw BenchError("cannot read \(file)") }
        var source = FileLineSource(handle: handle)
        let start = now()
        let report = try await inventory.importLedger(from: &source)
        let outcome = Outcome(events: report.events, seconds: now() - start, peakMB: peakResidentMB())
        FileHandle.standardOutput.write(try JSONEncoder().encode(outcome))
    }
}

/// E2's writer: one transaction, one prepared statement per table, values made up front.
enum RawWriter {
    static func write(_ ledger: SyntheticLedger, to path: String) throws -> Double {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchError("cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchError(String(cString: sqlite3_errmsg(db)))
            }
        }
        func prepare(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw BenchError(String(cString: sqlite3_errmsg(db)))
            }
            return statement
        }
        try exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL")
        let insertEvent = try prepare(
            "INSERT INTO event (sequence, id, kind, occurred_ms, header, unit_count, hash, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
        )
        let insertUnit = try prepare(
            "INSERT INTO unit (sku, serial, status, location, destination, owner, lot, aliases, attributes, version, expiry) VALUES (?, ?, 'in-stock', ?, NULL, NULL, ?, NULL, ?, ?, NULL)"
        )
        let updateUnit = try prepare(
            "UPDATE unit SET status = 'in-stock', location = ?, destination = NULL, owner = NULL, lot = ?, aliases = NULL, attributes = ?, version = ?, expiry = NULL WHERE sku = ? AND serial = ? AND version = ? RETURNING id"
        )
        let insertAttribute = try prepare("INSERT INTO unit_attribute (key, value, unit_id) VALUES ('colour', ?, ?)")
        let insertLine = try prepare("INSERT INTO event_unit (sequence, line, unit_id, detail) VALUES (?, ?, ?, ?)")
        defer { [insertEvent, insertUnit, updateUnit, insertAttribute, insertLine].forEach { sqlite3_finalize($0) } }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func bind(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
            sqlite3_bind_text(statement, index, text, -1, transient)
        }
        func step(_ statement: OpaquePointer) throws {
            let code = sqlite3_step(statement)
            guard code == SQLITE_DONE || code == SQLITE_ROW else {
                throw BenchError(String(cString: sqlite3_errmsg(db)))
            }
            sqlite3_reset(statement)
        }
        // Rows as the import writes them: a header of the same size, a 32-byte hash, unit lines.
        let header = String(
            repeating: "x",
            count:
                #"{"actor":"bench","businessStep":"storing","disposition":"sellable_accessible","documents":[],"id":"B0000000-0000-4000-8000-000000000001","kind":"move","location":"WH-01","occurredAt":"2026-01-01T00:00:01.000Z","recordedAt":"2026-01-01T00:00:01.000Z"}"#
                .utf8.count)
        let hash = [UInt8](repeating: 7, count: 32)
        var version = [Int64](repeating: 0, count: ledger.units)
        var place = [UInt8](repeating: 0, count: ledger.units)
        let start = now()
        try exec("BEGIN")
        var sequence: Int64 = 0
        func event(kind: String, units: Int) throws {
            sequence += 1
            sqlite3_bind_int64(insertEvent, 1, sequence)
            bind(insertEvent, 2, SyntheticLedger.uuid(Int(sequence)))
            bind(insertEvent, 3, kind)
            sqlite3_bind_int64(insertEvent, 4, 1_767_225_600_000 + sequence * 1000)
            bind(insertEvent, 5, header)
            sqlite3_bind_int64(insertEvent, 6, Int64(units))
            hash.withUnsafeBytes { _ = sqlite3_bind_blob(insertEvent, 7, $0.baseAddress, 32, transient) }
            try step(insertEvent)
        }
        for receipt in 0..<ledger.receipts {
            try event(kind: "receive", units: SyntheticLedger.receiptSize)
            for offset in 0..<SyntheticLedger.receiptSize {
                let unit = receipt * SyntheticLedger.receiptSize + offset
                let colour = SyntheticLedger.colours[unit % SyntheticLedger.colours.count]
                place[unit] = UInt8(receipt % SyntheticLedger.locations)
                version[unit] = sequence
                bind(insertUnit, 1, SyntheticLedger.sku(ofUnit: unit))
                bind(insertUnit, 2, SyntheticLedger.serial(unit))
                bind(insertUnit, 3, SyntheticLedger.location(Int(place[unit])))
                bind(insertUnit, 4, "LOT-\(receipt / 10)")
                bind(insertUnit, 5, #"{"colour":"\#(colour)"}"#)
                sqlite3_bind_int64(insertUnit, 6, sequence)
                try step(insertUnit)
                let id = sqlite3_last_insert_rowid(db)
                bind(insertAttribute, 1, colour)
                sqlite3_bind_int64(insertAttribute, 2, id)
                try step(insertAttribute)
                sqlite3_bind_int64(insertLine, 1, sequence)
                sqlite3_bind_int64(insertLine, 2, Int64(offset + 1))
                sqlite3_bind_int64(insertLine, 3, id)
                bind(insertLine, 4, #"{"attributes":{"colour":"\#(colour)"},"lot":"LOT-\#(receipt / 10)"}"#)
                try step(insertLine)
            }
        }
        for move in 0..<ledger.moves {
            let unit = move % ledger.units
            let to = (Int(place[unit]) + 1 + move / ledger.units) % SyntheticLedger.locations
            place[unit] = UInt8(to)
            try event(kind: "move", units: 1)
            let colour = SyntheticLedger.colours[unit % SyntheticLedger.colours.count]
            bind(updateUnit, 1, SyntheticLedger.location(to))
            bind(updateUnit, 2, "LOT-\(unit / SyntheticLedger.receiptSize / 10)")
            bind(updateUnit, 3, #"{"colour":"\#(colour)"}"#)
            sqlite3_bind_int64(updateUnit, 4, sequence)
            bind(updateUnit, 5, SyntheticLedger.sku(ofUnit: unit))
            bind(updateUnit, 6, SyntheticLedger.serial(unit))
            sqlite3_bind_int64(updateUnit, 7, version[unit])
            guard sqlite3_step(updateUnit) == SQLITE_ROW else { throw BenchError("unit \(unit) not updated") }
            let id = sqlite3_column_int64(updateUnit, 0)
            sqlite3_reset(updateUnit)
            version[unit] = sequence
            sqlite3_bind_int64(insertLine, 1, sequence)
            sqlite3_bind_int64(insertLine, 2, 1)
            sqlite3_bind_int64(insertLine, 3, id)
            sqlite3_bind_null(insertLine, 4)
            try step(insertLine)
        }
        try exec("COMMIT")
        return now() - start
    }
}
