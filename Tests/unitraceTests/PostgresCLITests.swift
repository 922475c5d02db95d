import Foundation
import Testing
import UnitraceTestSupport

@Suite("unitrace on PostgreSQL", .timeLimit(.minutes(2)))
struct PostgresCLITests {
    @Test("init, receive, move, show and verify with --db postgres://…; export then import into SQLite: same ledger")
    func everyday() async throws {
        let url = try await TestStores.newDatabase()
        try await withTemporaryDirectory { dir in
            #expect(
                try unitrace(["init", "--db", url], in: dir) == Run(out: "created store \(url)\n", err: "", code: 0))
            let again = try unitrace(["init", "--db", url], in: dir)
            #expect(again.code == 65)
            #expect(again.err.contains("already holds a Unitrace store"))
            let env = ["UNITRACE_DB": url]
            #expect(
                try unitrace(["product", "add", "EVM-200", "--name", "Drive motor"], in: dir, environment: env).code
                    == 0)
            #expect(
                try unitrace(
                    ["location", "add", "WH1", "--name", "Main", "--kind", "warehouse"], in: dir, environment: env
                )
                .code == 0)
            #expect(
                try unitrace(
                    ["location", "add", "WH2", "--name", "Overflow", "--kind", "warehouse"], in: dir, environment: env
                )
                .code == 0)
            let received = try unitrace(
                ["receive", "--product", "EVM-200", "--at", "WH1"], in: dir, input: "M-1\nM-2\n", environment: env)
            #expect(received.out.hasPrefix("received at WH1: 2 units (sequence 1)"), "\(received)")
            #expect(try unitrace(["move", "M-1", "--to", "WH2"], in: dir, environment: env).code == 0)
            let shown = try unitrace(["show", "M-1"], in: dir, environment: env)
            #expect(shown.out.contains("location    WH2"), "\(shown)")
            #expect(try unitrace(["verify"], in: dir, environment: env).out == "ledger intact: 2 events, 2 units\n")

            let export = try unitrace(["export"], in: dir, environment: env)
            try export.out.write(to: dir.appendingPathComponent("ledger.jsonl"), atomically: true, encoding: .utf8)
            #expect(try unitrace(["init", "--db", "copy.sqlite"], in: dir).code == 0)
            #expect(try unitrace(["import", "--db", "copy.sqlite", "ledger.jsonl"], in: dir).code == 0)
            #expect(try unitrace(["export", "--db", "copy.sqlite"], in: dir).out == export.out)
            #expect(try unitrace(["verify", "--db", "copy.sqlite"], in: dir).code == 0)
        }
    }

    @Test("a password in the URL is never printed")
    func passwordHidden() async throws {
        var url = try #require(URLComponents(string: try await TestStores.newDatabase()))
        url.password = "s3cret-pw"
        let withPassword = try #require(url.string)
        try await withTemporaryDirectory { dir in
            let created = try unitrace(["init", "--db", withPassword], in: dir)
            #expect(created.code == 0, "\(created)")
            #expect(
                !created.out.contains("s3cret-pw") && created.out.contains("created store postgres://"), "\(created)")
            let demo = try unitrace(["demo", "--db", withPassword], in: dir)
            #expect(demo.code == 0 && !demo.out.contains("s3cret-pw"), "\(demo)")
        }
    }

    @Test("a PostgreSQL server that is down: exit 69, naming the address; a malformed URL: exit 65")
    func unreachable() async throws {
        try await withTemporaryDirectory { dir in
            let down = try unitrace(["stock", "--db", "postgres://unitrace@127.0.0.1:9/ledger"], in: dir)
            #expect(down.code == 69)
            #expect(down.err.contains("cannot reach PostgreSQL at unitrace@127.0.0.1:9/ledger"), "\(down)")
            let malformed = try unitrace(["stock", "--db", "postgres://unitrace@host"], in: dir)
            #expect(malformed.code == 65)
            #expect(malformed.err.contains("names no database"), "\(malformed)")
        }
    }
}
