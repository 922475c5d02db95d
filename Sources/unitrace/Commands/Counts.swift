import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

/// The scans of a count or a receipt, as typed: units as arguments or from a file, or one quantity.
struct ScanSessionInput: ParsableArguments {
    @Argument(help: "Unit scans.") var scans: [String] = []
    @Option(help: "Read scans from FILE, one a line ('-' for standard input).") var from: String?
    @Option(help: "A counted or received product.") var product: String?
    @Option(help: "Its lot.") var lot: String?
    @Option(help: "How much of it was counted or received.") var quantity: String?
    @Option(help: "Who scanned (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

    /// The unit scans and the quantity given; standard input is read only when neither says otherwise.
    func collected() throws -> ([String], [StockLineRequest]) {
        guard let product, let quantity else { return (try readScans(arguments: scans, from: from), []) }
        let texts = from != nil ? try readScans(arguments: scans, from: from) : scans
        return (texts, [StockLineRequest(sku: product, lot: lot, quantity: quantity)])
    }
}

struct CountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Cycle counts and stock-takes: open, scan (any order, over hours), close, approve.",
        discussion: """
            Nothing in the ledger changes until `count approve`, which writes the moves, found and lost events of \
            the result in one transaction, and refuses when the location has changed since the count was opened.
            """,
        subcommands: [Open.self, Scan.self, Close.self, Show.self, Approve.self, List.self, Sample.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a count of a location and everything beneath it.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The location to count.") var location: String
        @Option(help: "Only this product (repeatable).") var product: [String] = []
        @Option(help: "Who opens it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let count = try await store.openInventory().openCount(
                    location: location, products: product,
                    context: EventContext(actor: EventOptions.actor(given: actor)))
                output.emit(CountJSON(count)) {
                    "opened count \(count.id) of \(count.location): \(count.expected.units.count) units and \(count.expected.quantities.count) quantity rows expected"
                }
            }
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add scans to an open count: units (any identifier), or --product [--lot] --quantity.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The count's id.") var id: String
        @OptionGroup var input: ScanSessionInput
        @Option(help: "Where they were seen (default: the count's location).") var at: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let (texts, quantities) = try input.collected()
                let total = try await store.openInventory().addCountScans(
                    id, scans: texts, quantities: quantities, at: at,
                    context: EventContext(actor: EventOptions.actor(given: input.actor)))
                output.emit(["count": id, "scans": String(total)]) { "count \(id): \(total) scans" }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a count to scans and print its result.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The count's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let result = CountResultJSON(try await store.openInventory().closeCount(id))
                output.emit(result) { result.text }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A count's result so far, or final.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The count's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let result = CountResultJSON(try await store.openInventory().countResult(id))
                output.emit(result) { result.text }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a closed count's adjustments (moves, found, lost) in one transaction.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var event: EventOptions
        @Argument(help: "The count's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let (result, receipt) = try await store.openInventory().approveCount(id, context: try event.context())
                let json = CountResultJSON(result)
                output.emit(json) {
                    guard let receipt else { return "approved count \(id): nothing to adjust" }
                    return
                        "approved count \(id): \(receipt.events) event(s), sequences \(receipt.firstSequence)…\(receipt.lastSequence)"
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List counts, newest first.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let counts = try await store.openInventory().counts()
                output.emit(counts.map(CountJSON.init)) {
                    guard !counts.isEmpty else { return "no counts" }
                    return table(
                        ["ID", "LOCATION", "STATE", "OPENED", "BY"],
                        counts.map { [$0.id, $0.location, $0.state.rawValue, $0.openedAt.iso8601, $0.openedBy] })
                }
            }
        }
    }

    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a random sample to count: bins that hold stock, or units in stock, beneath a location.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Beneath this location.") var location: String
        @Option(help: "How many bins.") var bins: Int?
        @Option(help: "How many units.") var units: Int?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let drawn = try await store.openInventory().countSample(location: location, bins: bins, units: units)
                output.emit(drawn) { drawn.joined(separator: "\n") }
            }
        }
    }
}
