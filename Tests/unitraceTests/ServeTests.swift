import Foundation
import Testing
import UnitraceTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("unitrace serve")
struct ServeTests {
    @Test("SIGTERM during a batch finishes it or leaves no trace; never half of it")
    func sigtermDuringBatch() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try unitrace(["init"], in: dir).code == 0)
            _ = try unitrace(["product", "add", "P", "--name", "Part"], in: dir)
            _ = try unitrace(["location", "add", "WH1", "--name", "W", "--kind", "warehouse"], in: dir)
            let created = try unitrace(["key", "create", "--role", "operator", "--name", "dock", "--json"], in: dir)
            let token = try #require(
                (try JSONSerialization.jsonObject(with: Data(created.out.utf8)) as? [String: String])?["token"])
            let (server, port) = try startServer(in: dir)

            // Given a batch of 20,000 units on its way
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/units/receive")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.httpBody = Data(#"{"product":"P","location":"WH1","count":20000}"#.utf8)
            request.timeoutInterval = 60
            let sent = Task { () -> Int? in
                let answer = try? await URLSession.shared.data(for: request)
                return (answer?.1 as? HTTPURLResponse)?.statusCode
            }
            // When the server is told to stop while it works
            try await Task.sleep(for: .milliseconds(150))
            kill(server.processIdentifier, SIGTERM)
            let status = await sent.value
            server.waitUntilExit()

            // Then it stopped cleanly, the ledger verifies, and the batch is whole or absent
            #expect(server.terminationStatus == 0)
            #expect(try unitrace(["verify"], in: dir).code == 0)
            let stock = try unitrace(["stock", "--json"], in: dir)
            let lines = try JSONSerialization.jsonObject(with: Data(stock.out.utf8)) as? [[String: Any]] ?? []
            let total = lines.compactMap { $0["count"] as? Int }.reduce(0, +)
            #expect(total == 0 || total == 20000, "found \(total)")
            if status == 200 { #expect(total == 20000) }
        }
    }

    @Test("a key created on the command line opens the API; the store must exist")
    func serveBasics() async throws {
        try await withTemporaryDirectory { dir in
            let missing = try unitrace(["serve", "--db", "nowhere.sqlite"], in: dir)
            #expect(missing.code == 69)
            #expect(missing.err.hasPrefix("error: no store at nowhere.sqlite"))
            #expect(try unitrace(["demo"], in: dir).code == 0)
            let created = try unitrace(["key", "create", "--role", "auditor", "--name", "audit"], in: dir)
            let token = try #require(created.out.split(separator: "\n").last.map(String.init))
            #expect(created.out.hasPrefix("created auditor key "))
            let (server, port) = try startServer(in: dir)
            defer { server.terminate() }
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/verify")!)
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self).contains(#""events":37"#))
            let listed = try unitrace(["key", "list"], in: dir)
            #expect(listed.out.contains("auditor"))
            #expect(!listed.out.contains(token))
        }
    }
}
