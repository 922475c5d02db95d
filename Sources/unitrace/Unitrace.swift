import ArgumentParser
import Foundation

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
            Show.self, Find.self, Stock.self, Expiring.self, Pick.self, Reorder.self, Sales.self, LotCommand.self,
            HoldCommand.self, Available.self, CountCommand.self, NoticeCommand.self,
            TransferCommand.self, Pack.self, Unpack.self, Install.self, Remove.self, Inspect.self, Produce.self,
            QualityCommand.self,
            TraceCommand.self, RunCommand.self,
            RecallCommand.self,
            Verify.self, Audit.self, Rebuild.self, Head.self, Export.self, Import.self,
            EPCISCommand.self,
            Demo.self,
            IdCommand.self,
            KeyCommand.self, SecretKeyCommand.self, Serve.self,
        ])

    /// Refuses arguments that are not valid UTF-8 before anything reads them (Swift would silently turn the
    /// bad bytes into U+FFFD), then runs the command.
    static func main() async {
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index], String(validatingCString: pointer) == nil else {
                continue
            }
            FileHandle.standardError.write(
                Data("error: argument \(index) is not valid UTF-8 text; nothing recorded\n".utf8))
            Foundation.exit(ExitStatus.rejected)
        }
        await main(nil)
    }
}
