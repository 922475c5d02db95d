import ArgumentParser

@main
struct Unitrace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unitrace",
        abstract: "Track inventory unit by unit: identities, a tamper-evident ledger, and the answers built on it.",
        discussion: """
            Exit codes: 0 done, 64 usage, 65 input rejected (nothing recorded), 69 store unavailable, 1 unexpected.
            The store is ./unitrace.sqlite unless --db or UNITRACE_DB names another.
            """,
        subcommands: [
            Init.self, ProductCommand.self, LocationCommand.self,
            Receive.self, Move.self, Ship.self, Arrive.self, Sell.self, Return.self,
            Quarantine.self, Release.self, Scrap.self, Correct.self,
            Show.self, Find.self, Stock.self, Verify.self, Export.self, Import.self, Demo.self, IdCommand.self,
            KeyCommand.self, Serve.self,
        ])
}
