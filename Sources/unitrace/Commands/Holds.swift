import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Hold a unit, or a quantity at a location, for a customer or an order.",
        subcommands: [Add.self, List.self, Release.self], defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold a unit (any scan that names it), or --product --quantity --at, until a time.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The unit to hold.") var unit: String?
        @Option(help: "The product: of the unit's scan, or of the quantity.") var product: String?
        @Option(help: "The lot of the quantity.") var lot: String?
        @Option(help: "Where the quantity is.") var at: String?
        @Option(help: "How much to hold.") var quantity: String?
        @Option(help: "The customer it is held for.") var customer: String?
        @Option(help: "The order it is held for.") var order: String?
        @Option(help: "When the hold runs out, ISO 8601 with offset.") var until: String?
        @Option(help: "Or how long it runs: 48h, 3d.") var hours: String?
        @Option(help: "Who holds it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let end: Timestamp
                switch (until, hours) {
                case (let text?, nil): end = try Timestamp(iso8601: text)
                case (nil, let text?):
                    var digits = Substring(text)
                    var unit: Int64 = 3_600_000
                    if digits.hasSuffix("d") {
                        unit = 86_400_000
                        digits = digits.dropLast()
                    } else if digits.hasSuffix("h") {
                        digits = digits.dropLast()
                    }
                    guard let value = Int64(digits), value > 0, value <= 366 * 24 else {
                        throw InputError(code: .invalidField, message: "--hours '\(text)' must be like 48h or 3d")
                    }
                    let now = Timestamp.now()
                    end = Timestamp(
                        millisecondsSince1970: now.millisecondsSince1970 + value * unit,
                        offsetSeconds: now.offsetSeconds)
                default:
                    throw InputError(code: .invalidField, message: "give --until TIME or --hours 48h")
                }
                let hold = try await store.openInventory().hold(
                    HoldRequest(
                        unit: unit, sku: product, lot: lot, location: at, quantity: quantity, customer: customer,
                        order: order, until: end),
                    context: EventContext(actor: EventOptions.actor(given: actor)))
                output.emit(HoldJSON(hold)) {
                    let what =
                        hold.unit?.description ?? "\(hold.quantity ?? .zero) of \(hold.sku) at \(hold.location ?? "")"
                    return "held \(what) for \(hold.party) until \(hold.until) (hold \(hold.id))"
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the holds that still hold (--all: every hold).")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Closed and run-out holds too.") var all = false

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let holds = try await store.openInventory().holds(active: !all, limit: 10_000)
                output.emit(holds.map(HoldJSON.init)) {
                    guard !holds.isEmpty else { return "no holds" }
                    return table(
                        ["ID", "FOR", "WHAT", "UNTIL", "STATE"],
                        holds.map {
                            [
                                $0.id, $0.party,
                                $0.unit?.description ?? "\($0.quantity ?? .zero) \($0.sku) at \($0.location ?? "")",
                                $0.until.iso8601, $0.outcome?.rawValue ?? "open",
                            ]
                        })
                }
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a hold before it runs out.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The hold's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let hold = try await store.openInventory().releaseHold(id: id)
                output.emit(HoldJSON(hold)) { "released hold \(hold.id)" }
            }
        }
    }
}

struct Available: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where a product can be had: per location, what is in stock and not held.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The product (SKU).") var product: String
    @Option(help: "Only this lot.") var lot: String?
    @Option(help: "Only this location and beneath it.") var location: String?
    @Option(name: .customLong("attr"), help: "An attribute the units must have, key=value (repeatable).")
    var attributes: [String] = []

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var map: [String: String] = [:]
            for text in attributes {
                let (key, value) = try Field.attribute(text)
                map[key] = value
            }
            let rows = try await store.openInventory().availability(
                sku: product, lot: lot, attributes: map, location: location)
            output.emit(rows.map(AvailabilityJSON.init)) {
                guard !rows.isEmpty else { return "no \(product) in stock anywhere asked" }
                return table(
                    ["LOCATION", "LOT", "AVAILABLE", "HELD"],
                    rows.map { [$0.location, $0.lot ?? "", $0.available.description, $0.held.description] })
            }
        }
    }
}
