import ArgumentParser
import Testing

@testable import unitrace

@Suite("Command-line parsing")
struct ParsingTests {
    @Test("every use case parses its options and units")
    func parses() throws {
        let ship = try #require(
            try Unitrace.parseAsRoot(["ship", "--db", "x.sqlite", "EVM-200/M-1", "M-2", "--to", "SHOP"]) as? Ship)
        #expect(ship.store.path == "x.sqlite")
        #expect(ship.scans.units == ["EVM-200/M-1", "M-2"])
        #expect(ship.to == "SHOP")
        let sell = try #require(
            try Unitrace.parseAsRoot([
                "sell", "--channel", "online", "--customer", "C-1", "--price", "9.99", "--json", "A",
            ]) as? Sell)
        #expect(sell.store.json)
        #expect(sell.customer == "C-1")
        let receive = try #require(
            try Unitrace.parseAsRoot([
                "receive", "--product", "P", "--at", "WH1", "--count", "5", "--attr", "color=red",
            ]) as? Receive)
        #expect(receive.count == 5)
        #expect(receive.attributes == ["color=red"])
    }

    @Test("a missing required option is a usage error")
    func usage() {
        do {
            _ = try Unitrace.parseAsRoot(["receive", "--product", "P"])
            Issue.record("parsed without --at")
        } catch {
            #expect(Unitrace.exitCode(for: error).rawValue == 64)
            #expect(Unitrace.message(for: error) == "Missing expected argument '--at <at>'")
        }
    }
}
