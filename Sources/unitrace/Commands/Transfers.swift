import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Transfers between places, and drop-ships to customers: request, ship, arrive (or cancel).",
        discussion: """
            A request records nothing in the ledger but checks that what it asks for is there; `ship` writes one \
            ship event (in transit until it arrives) and `arrive` one arrive event, each naming the transfer.
            """,
        subcommands: [Request.self, ShipStep.self, ArriveStep.self, Cancel.self, Show.self, List.self])

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask for units and quantities to go from one place to another, or to a customer.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Units, by any identifier.") var units: [String] = []
        @Option(name: .customLong("from-file"), help: "Read units from FILE, one a line ('-' for standard input).")
        var file: String?
        @Option(help: "A quantity: SKU=QUANTITY or SKU/LOT=QUANTITY (repeatable).") var item: [String] = []
        @Option(help: "Where it starts.") var from: String
        @Option(help: "The place it goes to.") var to: String?
        @Option(help: "The customer it goes straight to (a drop-ship).") var toCustomer: String?
        @Option(help: "The customer order it serves.") var order: String?
        @Option(help: "Who asks (default: $UNITRACE_ACTOR, else the login name).") var actor: String?
        @Option(help: "Why.") var reason: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let scans =
                    units.isEmpty && file == nil && !item.isEmpty ? [] : try readScans(arguments: units, from: file)
                let transfer = try await store.openInventory().requestTransfer(
                    units: scans, quantities: try item.map(stockItem), from: from, toLocation: to,
                    toCustomer: toCustomer, order: order,
                    context: EventContext(actor: EventOptions.actor(given: actor), reason: reason))
                let json = TransferJSON(transfer)
                output.emit(json) {
                    "requested transfer \(json.id) \(json.from) → \(json.to): \(json.units.count) units, \(json.quantities.count) quantity lines"
                }
            }
        }
    }

    struct ShipStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ship", abstract: "Ship a requested transfer: its units and quantities go in transit.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var event: EventOptions
        @Argument(help: "The transfer's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let (transfer, receipt) = try await store.openInventory().shipTransfer(id, context: try event.context())
                output.emit(TransferJSON(transfer)) {
                    "shipped transfer \(id) to \(transfer.to): sequence \(receipt.firstSequence), in transit"
                }
            }
        }
    }

    struct ArriveStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "arrive", abstract: "Record that a shipped transfer arrived (or was delivered).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var event: EventOptions
        @Argument(help: "The transfer's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let (transfer, receipt) = try await store.openInventory().arriveTransfer(
                    id, context: try event.context())
                output.emit(TransferJSON(transfer)) {
                    "transfer \(id) arrived at \(transfer.to)"
                        + (receipt.map { ": sequence \($0.firstSequence)" } ?? "")
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Call off a transfer that has not shipped (--reason required).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var event: EventOptions
        @Argument(help: "The transfer's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let transfer = try await store.openInventory().cancelTransfer(id, context: try event.context())
                output.emit(TransferJSON(transfer)) { "cancelled transfer \(id)" }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A transfer: its way, units and quantities.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The transfer's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let json = TransferJSON(try await store.openInventory().transfer(id))
                output.emit(json) { json.text }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List transfers, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only those requested, shipped (in transit), arrived or cancelled.") var state: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let wanted = try state.map { text throws(InputError) in
                    guard let value = StockTransfer.State(rawValue: text) else {
                        throw InputError(
                            code: .invalidField,
                            message: "state '\(Limits.quote(text))' must be requested, shipped, arrived or cancelled")
                    }
                    return value
                }
                let transfers = try await store.openInventory().transfers(state: wanted).map(TransferJSON.init)
                output.emit(transfers) {
                    guard !transfers.isEmpty else { return "no transfers" }
                    return table(
                        ["ID", "FROM", "TO", "STATE", "UNITS", "QUANTITIES", "REQUESTED"],
                        transfers.map {
                            [
                                $0.id, $0.from, $0.to, $0.state, String($0.units.count), String($0.quantities.count),
                                $0.requested.at,
                            ]
                        })
                }
            }
        }
    }
}
