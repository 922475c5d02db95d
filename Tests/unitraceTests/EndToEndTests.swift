import Foundation
import Testing
import UnitraceTestSupport

/// Sets up a store with one product and a small location tree.
private func prepared(_ dir: URL) throws {
    try runAll(
        [
            ["init"], ["product", "add", "EVM-200", "--name", "Drive motor", "--warranty-months", "24"],
            ["location", "add", "WH1", "--name", "Main warehouse", "--kind", "warehouse"],
            ["location", "add", "WH1-A", "--name", "Zone A", "--kind", "zone", "--parent", "WH1"],
            ["location", "add", "SHOP", "--name", "City shop", "--kind", "store"],
        ], in: dir)
}

@Suite("unitrace, end to end")
struct EndToEndTests {
    @Test("init, then everyday flows, with exact output")
    func everyday() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["init"], in: dir) == Run(out: "created store unitrace.sqlite\n", err: "", code: 0))
            #expect(
                try unitrace(["init"], in: dir)
                    == Run(
                        out: "",
                        err: "error: a file already exists at unitrace.sqlite; Unitrace will not overwrite it\n",
                        code: 65))
            try FileManager.default.removeItem(at: dir.appendingPathComponent("unitrace.sqlite"))
            try prepared(dir)

            let received = try unitrace(
                [
                    "receive", "--product", "EVM-200", "--at", "WH1-A", "--time", "2026-11-27T10:15:00+01:00", "--doc",
                    "po:PO-1",
                ],
                in: dir, input: "M-1 imei:490154203237518\nM-2\n\nM-1\n")
            #expect(
                received
                    == Run(
                        out: "received at WH1-A: 2 units (sequence 1)\n  EVM-200/M-1\n  EVM-200/M-2\n",
                        err: "warning: line 3: 'M-1' was already scanned on line 1; counted once (duplicate-scan)\n",
                        code: 0))

            let sold = try unitrace(
                [
                    "sell", "490154203237518", "--channel", "store:SHOP", "--customer", "C-1", "--price", "999.00",
                    "--currency", "EUR",
                    "--receipt", "R-9", "--time", "2026-11-28T16:00:00+01:00",
                ],
                in: dir)
            #expect(
                sold == Run(out: "sold to C-1 (store:SHOP): 1 unit (sequence 2)\n  EVM-200/M-1\n", err: "", code: 0))

            let shown = try unitrace(["show", "M-1"], in: dir)
            #expect(
                shown
                    == Run(
                        out: """
                            EVM-200/M-1  Drive motor
                            status      sold
                            location    customer
                            owner       C-1
                            lot         -
                            expiry      -
                            container   -
                            aliases     imei:490154203237518
                            attributes  -
                            warranty    24 months from sale
                            history
                              #   OCCURRED                       EVENT    WHERE     BY      CBV                            DETAILS
                              #1  2026-11-27T10:15:00.000+01:00  receive  at WH1-A  tester  receiving/sellable_accessible  with 1 other unit  po:PO-1
                              #2  2026-11-28T16:00:00.000+01:00  sell     at SHOP   tester  retail_selling/retail_sold     via store:SHOP to C-1  999.00 EUR  receipt:R-9

                            """,
                        err: "", code: 0))

            let refused = try unitrace(["ship", "EVM-200/M-1", "EVM-200/M-2", "M-7", "--to", "SHOP"], in: dir)
            #expect(
                refused
                    == Run(
                        out: "",
                        err: """
                            error: line 1: ship refused for EVM-200/M-1: unit is sold (rule not-in-stock)
                            error: line 3: 'M-7' names no known unit (rule unknown-unit)
                            error: nothing recorded: 2 line(s) refused

                            """,
                        code: 65))

            let stock = try unitrace(["stock"], in: dir)
            #expect(
                stock.out == """
                    PRODUCT  LOCATION  STATUS    COUNT
                    EVM-200  WH1-A     in-stock  1
                    EVM-200  customer  sold      1
                    total 2

                    """)
            #expect(
                try unitrace(["verify"], in: dir) == Run(out: "ledger intact: 2 events, 2 units\n", err: "", code: 0))
        }
    }

    @Test("exit codes: usage 64, rejected input 65, store unavailable 69")
    func exitCodes() async throws {
        try await withTemporaryDirectory { dir in
            let missing = try unitrace(["stock", "--db", "nowhere.sqlite"], in: dir)
            #expect(
                missing
                    == Run(
                        out: "",
                        err:
                            "error: no store at nowhere.sqlite; create one with `unitrace init` or pick another with --db\n",
                        code: 69))
            try prepared(dir)
            let usage = try unitrace(["move", "M-1"], in: dir)
            #expect(usage.code == 64)
            #expect(usage.err.contains("Missing expected argument '--to <to>'"))
            let badTime = try unitrace(
                ["receive", "--product", "EVM-200", "--at", "WH1", "--time", "yesterday", "X-1"], in: dir)
            #expect(
                badTime
                    == Run(
                        out: "",
                        err:
                            "error: time 'yesterday' does not start with a date YYYY-MM-DD; write it like 2026-11-27T14:03:00+01:00\n",
                        code: 65))
            let noReason = try unitrace(["quarantine", "EVM-200/M-1"], in: dir)
            #expect(
                noReason
                    == Run(
                        out: "",
                        err:
                            "error: a quarantine needs a reason: say why (--reason, \"reason\" in the API, unitrace:reason in EPCIS)\n",
                        code: 65))
            let notAStore = dir.appendingPathComponent("notes.sqlite")
            try Data("hello".utf8).write(to: notAStore)
            let foreign = try unitrace(["stock", "--db", notAStore.path], in: dir)
            #expect(foreign.code == 69)
            #expect(foreign.err.hasPrefix("error: "))
            #expect(foreign.err.split(separator: "\n").count == 1)
        }
    }

    @Test("UNITRACE_DB picks the store and --json prints JSON, errors included")
    func environmentAndJSON() async throws {
        try await withTemporaryDirectory { dir in
            let env = ["UNITRACE_DB": "other.sqlite"]
            #expect(try unitrace(["init"], in: dir, environment: env).out == "created store other.sqlite\n")
            _ = try unitrace(
                ["location", "add", "WH1", "--name", "W", "--kind", "warehouse"], in: dir, environment: env)
            _ = try unitrace(["product", "add", "P", "--name", "Phone"], in: dir, environment: env)
            let received = try unitrace(
                ["receive", "--product", "P", "--at", "WH1", "--count", "3", "--json"], in: dir, environment: env)
            #expect(received.code == 0)
            let outcome = try JSONSerialization.jsonObject(with: Data(received.out.utf8)) as? [String: Any]
            #expect(outcome?["units"] as? [String] == ["P/000001", "P/000002", "P/000003"])
            let bad = try unitrace(["move", "P/000009", "--to", "WH1", "--json"], in: dir, environment: env)
            #expect(bad.code == 65)
            let error = try JSONSerialization.jsonObject(with: Data(bad.out.utf8)) as? [String: [String: Any]]
            #expect(error?["error"]?["code"] as? String == "batch-rejected")
            let lines = error?["error"]?["lines"] as? [[String: Any]]
            #expect(lines?.first?["code"] as? String == "unknown-unit")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("unitrace.sqlite").path))
        }
    }

    @Test("export from one store and import into another gives the same ledger")
    func exportImport() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["demo", "--db", "a.sqlite"], in: dir).code == 0)
            let export = try unitrace(["export", "--db", "a.sqlite", "--output", "ledger.jsonl"], in: dir)
            #expect(export.code == 0, "\(export)")
            #expect(try unitrace(["init", "--db", "b.sqlite"], in: dir).code == 0)
            let imported = try unitrace(["import", "--db", "b.sqlite", "ledger.jsonl", "--batch-size", "5"], in: dir)
            #expect(
                imported.out
                    == "imported 37 events (81 unit lines) in 8 batches; added 6 products, 11 locations, 2 production runs\n",
                "\(imported)")
            #expect(try unitrace(["verify", "--db", "b.sqlite"], in: dir).code == 0)
            let first = try unitrace(["export", "--db", "a.sqlite"], in: dir)
            let second = try unitrace(["export", "--db", "b.sqlite"], in: dir)
            #expect(first.out == second.out)
            #expect(first.out.split(separator: "\n").count == 56)
            let again = try unitrace(["import", "--db", "b.sqlite", "ledger.jsonl"], in: dir)
            #expect(again.out == "imported 0 events (0 unit lines) in 0 batches; skipped 37 already recorded\n")
        }
    }

    @Test("verify names the first broken sequence of a tampered file and exits 65")
    func tamperedFile() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["demo"], in: dir).code == 0)
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            sqlite.arguments = [
                "python3", "-c",
                """
                import sqlite3
                db = sqlite3.connect('unitrace.sqlite')
                db.executescript("DROP TRIGGER event_no_update; UPDATE event SET header = replace(header, '51250.00', '5125.00') WHERE sequence = 26;")
                db.commit()
                """,
            ]
            sqlite.currentDirectoryURL = dir
            try sqlite.run()
            sqlite.waitUntilExit()
            #expect(sqlite.terminationStatus == 0)
            let verify = try unitrace(["verify"], in: dir)
            #expect(
                verify
                    == Run(
                        out: "ledger BROKEN at sequence 26\n",
                        err:
                            "error: sequence 26: hash does not match its content: the event was altered, removed or moved after it was recorded\n",
                        code: 65))
        }
    }

    @Test("the demo refuses a store holding real data and replaces its own")
    func demoSafety() async throws {
        try await withTemporaryDirectory { dir in
            try prepared(dir)
            let refused = try unitrace(["demo"], in: dir)
            #expect(
                refused
                    == Run(
                        out: "",
                        err: "error: unitrace.sqlite already holds data; run the demo with --db on a new file\n",
                        code: 65))
            let first = try unitrace(["demo", "--db", "demo.sqlite"], in: dir)
            #expect(first.out.hasPrefix("demo store demo.sqlite: 6 products, 11 locations, 34 units, 37 events\n"))
            let again = try unitrace(["demo", "--db", "demo.sqlite"], in: dir)
            #expect(again == first)
        }
    }
}

@Suite("unitrace, crash safety")
struct CrashTests {
    @Test("a receipt killed mid-way leaves all of it or none of it, and the ledger verifies")
    func killedReceipt() async throws {
        try await withTemporaryDirectory { dir in
            // Given a store and a file of 200,000 serials
            try prepared(dir)
            let serials = (1...200_000).map { "K-\($0)" }.joined(separator: "\n")
            try Data(serials.utf8).write(to: dir.appendingPathComponent("serials.txt"))

            // When the receipt is killed with SIGKILL while it runs
            let process = Process()
            process.executableURL = unitraceBinary
            process.arguments = ["receive", "--product", "EVM-200", "--at", "WH1", "--from", "serials.txt"]
            process.currentDirectoryURL = dir
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(400))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            // Then the store opens, the chain verifies, and the batch is whole or absent
            let verify = try unitrace(["verify", "--json"], in: dir)
            #expect(verify.code == 0, "\(verify)")
            let stock = try unitrace(["stock", "--json"], in: dir)
            let lines = try JSONSerialization.jsonObject(with: Data(stock.out.utf8)) as? [[String: Any]] ?? []
            let total = lines.compactMap { $0["count"] as? Int }.reduce(0, +)
            #expect(total == 0 || total == 200_000, "found \(total) units")

            // And a receipt acknowledged afterwards is there when the store is opened again
            #expect(try unitrace(["receive", "--product", "EVM-200", "--at", "WH1", "AFTER-1"], in: dir).code == 0)
            #expect(try unitrace(["show", "AFTER-1"], in: dir).out.contains("status      in stock"))
        }
    }
}

@Suite("Genealogy and recalls through the built binary")
struct GenealogyCommandTests {
    @Test("the demo's story: trace a motor lot to its cars, recall the run, and the quarantined car cannot be sold")
    func story() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["demo"], in: dir).code == 0)
            let down = try unitrace(["trace", "down", "VF7TR202600000010"], in: dir)
            #expect(down.code == 0)
            #expect(down.out.contains("EVM-200/M-26-000001") && down.out.contains("run RUN-MOT-0927, line MOTOR-L1"))
            let up = try unitrace(["trace", "up", "--lot", "EVM-200/MOT-2026-W40-A"], in: dir)
            #expect(up.out.contains("outermost units: 3 (2 in-stock, 1 sold)"), "\(up)")
            let recall = try unitrace(
                ["recall", "create", "RC-1", "--reason", "motor noise", "--line", "MOTOR-L1", "--json"], in: dir)
            #expect(recall.code == 0, "\(recall)")
            #expect(recall.out.contains(#""customer" : "CUST-10231""#))
            let sell = try unitrace(
                ["sell", "VF7TR202X00000012", "--channel", "store:DEALER-PARIS", "--customer", "C-9"], in: dir)
            #expect(sell.code == 65 && sell.err.contains("cannot-sell-quarantined"))
            // A sold car cannot be fitted into a motor: it is not in stock.
            let wrongWay = try unitrace(["install", "M-26-000005", "VF7TR202600000010"], in: dir)
            #expect(wrongWay.code == 65 && wrongWay.err.contains("(rule not-in-stock)"), "\(wrongWay)")
            // A motor fitted in a car cannot be moved alone.
            let alone = try unitrace(["move", "M-26-000002", "--to", "DEALER-BERLIN"], in: dir)
            #expect(alone.code == 65 && alone.err.contains("(rule installed)"), "\(alone)")
            let unknown = try unitrace(["recall", "create", "RC-2", "--reason", "x", "--lot", "EVM-200/NOPE"], in: dir)
            #expect(unknown == Run(out: "", err: "error: unknown lot NOPE of EVM-200\n", code: 65))
            #expect(try unitrace(["verify"], in: dir).code == 0)
        }
    }

    @Test("inspections, the shared cause of the noisy cars, and where a motor's damage began")
    func quality() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["demo"], in: dir).code == 0)
            let failed = try unitrace(
                [
                    "inspect", "M-26-000005", "--procedure", "EOL-NOISE", "--fail", "--measure", "noise=48dB@..45",
                    "--defect", "bearing noise", "--quarantine",
                ], in: dir)
            #expect(failed.code == 0, "\(failed)")
            #expect(failed.out.contains("quarantined 1: EVM-200/M-26-000005"))
            let refused = try unitrace(
                ["inspect", "M-26-000006", "--procedure", "EOL-NOISE", "--pass", "--measure", "noise=50dB@..45"],
                in: dir)
            #expect(refused.code == 65 && refused.err.contains("outside its limits"), "\(refused)")
            let show = try unitrace(["show", "M-26-000005"], in: dir)
            #expect(show.out.contains("EOL-NOISE fail: noise=48dB (..45) — bearing noise"), "\(show)")
            let causes = try unitrace(
                ["quality", "causes", "VF7TR202600000010", "VF7TR202X00000012", "VF7TR202300000014"], in: dir)
            #expect(causes.code == 0, "\(causes)")
            #expect(causes.out.contains("3 failed of 6 unit(s) of TERRA-SUV"))
            #expect(causes.out.contains("component-lot  EVM-200/MOT-2026-W40-A  3/3"), "\(causes)")
            #expect(causes.out.contains("the same units: component-run RUN-MOT-0927, component-line MOTOR-L1"))
            let timeline = try unitrace(["quality", "timeline", "M-26-000005"], in: dir)
            #expect(timeline.out.contains("first sign of damage: failed EOL-NOISE: bearing noise, at the factory"))
            let none = try unitrace(["quality", "causes", "--returns", "--reason", "rattle"], in: dir)
            #expect(none.code == 65 && none.err.contains("no failed unit found"), "\(none)")
        }
    }
}
