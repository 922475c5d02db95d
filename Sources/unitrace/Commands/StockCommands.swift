import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

/// `unitrace stock`: unit counts (the default), quantities of lot-tracked and bulk products, and the events
/// that change them.
struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stock: unit counts, quantities per lot and location, and the events that change quantities.",
        discussion: """
            `unitrace stock` alone counts serialized units. Quantities of lot-tracked and bulk products change only \
            with events: receive, move, ship, arrive, sell, return, scrap and adjust (found or lost).
            """,
        subcommands: [
            StockUnits.self, StockLevels.self, StockReceive.self, StockMove.self, StockShip.self, StockArrive.self,
            StockSell.self, StockReturn.self, StockScrap.self, StockAdjust.self,
        ],
        defaultSubcommand: StockUnits.self)
}

/// One quantity line from the command line: a product, its lot, how much.
struct QuantityOptions: ParsableArguments {
    @Option(help: "The product (SKU).") var product: String
    @Option(help: "The lot, for a lot-tracked product.") var lot: String?
    @Option(help: "How much, in the product's unit of measure (decimals where it allows), e.g. 12.5.")
    var quantity: String

    func lines(details: LotDetails? = nil) -> [StockLineRequest] {
        [StockLineRequest(sku: product, lot: lot, quantity: quantity, details: details)]
    }
}

/// Reads `SKU=QUANTITY` or `SKU/LOT=QUANTITY`.
func stockItem(_ text: String) throws(InputError) -> StockLineRequest {
    guard let equals = text.lastIndex(of: "=") else {
        throw InputError(code: .invalidField, message: "'\(Limits.quote(text))' must be written SKU=QUANTITY")
    }
    let name = text[..<equals]
    let slash = name.firstIndex(of: "/")
    return StockLineRequest(
        sku: String(name[..<(slash ?? name.endIndex)]), lot: slash.map { String(name[name.index(after: $0)...]) },
        quantity: String(text[text.index(after: equals)...]))
}

func report(_ outcome: StockOutcome, output: Output, _ summary: String) {
    output.emit(StockOutcomeJSON(outcome)) {
        var text = "\(summary) (sequence \(outcome.receipt.lastSequence))"
        for line in outcome.lines {
            let lot = line.lot.map { " lot \($0)" } ?? ""
            text += "\n  \(line.sku)\(lot): \(line.quantity)\(line.uom.map { " \($0)" } ?? "")"
        }
        for lot in outcome.lots { text += "\n  new lot \(lot.code) of \(lot.sku): \(lot.summary)" }
        return text
    }
}

/// Parses an optional `YYYY-MM-DD` option.
func day(_ text: String?, _ name: String) throws(InputError) -> CalendarDay? {
    try text.map { value throws(InputError) in try CalendarDay(parsing: value, name: name) }
}

struct StockLevels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "levels", abstract: "Quantities of lot-tracked and bulk products by product × lot × location.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Only this product.") var product: String?
    @Option(help: "Only this lot.") var lot: String?
    @Option(help: "Only this location and beneath it.") var location: String?
    @Option(help: "Only this state: available or in-transit.") var state: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let state = try self.state.map { text throws(InputError) in
                guard let value = StockState(rawValue: text) else {
                    throw InputError(
                        code: .invalidField, message: "--state must be available, in-transit or packed, not '\(text)'")
                }
                return value
            }
            let levels = try await store.openInventory().stockLevels(
                sku: product, lot: lot, location: location, state: state)
            output.emit(levels.map(StockLevelJSON.init)) {
                guard !levels.isEmpty else { return "no quantities" }
                return table(
                    ["PRODUCT", "LOT", "LOCATION", "STATE", "QUANTITY", "EXPIRY"],
                    levels.map {
                        [
                            $0.key.sku, $0.key.lot, $0.key.location, $0.key.state.rawValue, $0.quantity.description,
                            $0.expiry?.description ?? "",
                        ]
                    })
            }
        }
    }
}

/// Where a new lot comes from: its dates, supplier and production run. The receipt that brings a lot in first
/// defines it with these.
struct LotDetailOptions: ParsableArguments {
    @Option(help: "A new lot's made-on date, YYYY-MM-DD.") var madeOn: String?
    @Option(help: "A new lot's expiry date, YYYY-MM-DD (default: made-on plus the product's shelf life).")
    var expiry: String?
    @Option(help: "A new lot's best-before date, YYYY-MM-DD.") var bestBefore: String?
    @Option(help: "A new lot's supplier.") var supplier: String?
    @Option(help: "The production run that made a new lot (see `unitrace run add`).") var run: String?

    func details() throws(InputError) -> LotDetails {
        LotDetails(
            madeOn: try day(madeOn, "--made-on"), expiry: try day(expiry, "--expiry"),
            bestBefore: try day(bestBefore, "--best-before"), supplier: supplier, run: run)
    }
}

struct StockReceive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Receive a quantity of a lot-tracked or bulk product; a new lot is defined with its dates.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "Where it is received.") var at: String
    @OptionGroup var lot: LotDetailOptions

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().receiveStock(
                line.lines(details: try lot.details()), at: at, context: try event.context())
            report(outcome, output: output, "received at \(at)")
        }
    }
}

struct StockMove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a quantity between two places of ours.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "Where it is taken from.") var from: String
    @Option(help: "Where it goes.") var to: String

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().moveStock(
                line.lines(), from: from, to: to, context: try event.context())
            report(outcome, output: output, "moved from \(from) to \(to)")
        }
    }
}

struct StockShip: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ship",
        abstract: "Ship a quantity to another location (in transit until it arrives) or to a customer.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "Where it is taken from.") var from: String
    @Option(help: "The destination location.") var to: String?
    @Option(help: "The destination customer.") var customer: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().shipStock(
                line.lines(), from: from, toLocation: to, toCustomer: customer, context: try event.context())
            report(outcome, output: output, "shipped from \(from) to \(to ?? "customer \(customer ?? "")")")
        }
    }
}

struct StockArrive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arrive", abstract: "Record that a quantity in transit arrived.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "Where it arrived.") var at: String
    @Option(help: "Where it was headed, when not where it arrived.") var headedTo: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().arriveStock(
                line.lines(), at: at, headedTo: headedTo, context: try event.context())
            report(outcome, output: output, "arrived at \(at)")
        }
    }
}

struct StockSell: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sell", abstract: "Sell a quantity, in a store or online; an expired lot cannot be sold.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "online or store:<location>.") var channel: String
    @Option(help: "Where it is taken from (default: the store of a store sale).") var from: String?
    @Option(help: "The customer reference.") var customer: String?
    @Option(help: "The price per unit of measure, e.g. 2.40.") var price: String?
    @Option(help: "ISO 4217 currency, e.g. EUR.") var currency: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let sale = Sale(customer: customer, channel: channel, price: price, currency: currency)
            let outcome = try await store.openInventory().sellStock(
                line.lines(), from: from, sale: sale, context: try event.context())
            report(outcome, output: output, "sold through \(channel)")
        }
    }
}

struct StockReturn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return", abstract: "Take a quantity back from a customer (with --reason).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "Where it is taken back.") var at: String

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().returnStock(
                line.lines(), to: at, context: try event.context())
            report(outcome, output: output, "returned at \(at)")
        }
    }
}

struct StockScrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrap", abstract: "Destroy a quantity (with --reason); expired lots may be scrapped.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var line: QuantityOptions
    @Option(help: "Where it is taken from.") var from: String

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().scrapStock(
                line.lines(), from: from, context: try event.context())
            report(outcome, output: output, "scrapped from \(from)")
        }
    }
}

struct StockAdjust: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adjust",
        abstract:
            "Set a quantity to what was counted (--to), or change it (--by): a found or lost event, with --reason.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @Option(help: "The product (SKU).") var product: String
    @Option(help: "The lot, for a lot-tracked product.") var lot: String?
    @Option(help: "Where.") var at: String
    @Option(help: "The quantity counted there.") var to: String?
    @Option(parsing: .unconditional, help: "The change, e.g. -3 or 5.") var by: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().adjustStock(
                sku: product, lot: lot, at: at, to: to, by: by, context: try event.context())
            report(outcome, output: output, outcome.kind == .found ? "found at \(at)" : "lost at \(at)")
        }
    }
}

struct Expiring: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List stock that expires soon (or has expired): lots and serialized units, by location.")
    @OptionGroup var store: StoreOptions
    @Option(help: "How far ahead, e.g. 30d, 2w or 30 (days).") var within: String = "30d"
    @Option(help: "Only this location and beneath it.") var location: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let items = try await store.openInventory().expiring(within: try days(within), location: location)
            output.emit(items.map(ExpiringJSON.init)) {
                guard !items.isEmpty else { return "nothing expires within \(within)" }
                return table(
                    ["EXPIRY", "LOCATION", "PRODUCT", "LOT", "QUANTITY"],
                    items.map {
                        [
                            $0.expiry.description, $0.location, $0.sku, $0.lot,
                            $0.quantity.description + ($0.units ? " units" : ""),
                        ]
                    })
            }
        }
    }

    /// `30d`, `2w` or `30`.
    func days(_ text: String) throws(InputError) -> Int {
        var digits = Substring(text)
        var factor = 1
        if digits.hasSuffix("d") {
            digits = digits.dropLast()
        } else if digits.hasSuffix("w") {
            digits = digits.dropLast()
            factor = 7
        }
        guard let value = Int(digits), value >= 0, value <= 36_600 else {
            throw InputError(code: .invalidField, message: "--within '\(text)' must be days like 30d, or weeks like 2w")
        }
        return value * factor
    }
}

struct Pick: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suggest what to pick for an order: exact units, lots first-expired-first-out, and bins.",
        discussion: "Each ITEM is SKU=QUANTITY or SKU/LOT=QUANTITY, e.g. YOG-1=12 EVM-200=2. Nothing is recorded.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "What the order needs: SKU=QUANTITY or SKU/LOT=QUANTITY.") var items: [String]
    @Option(help: "Pick at this location and beneath it (default: anywhere).") var at: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let requests = try items.map { text throws(InputError) in
                let item = try stockItem(text)
                return PickRequest(sku: item.sku, quantity: item.quantity, lot: item.lot)
            }
            let list = try await store.openInventory().pick(requests, at: at)
            output.emit(PickListJSON(list)) {
                var text = table(
                    ["LOCATION", "PRODUCT", "LOT", "UNIT", "QUANTITY", "EXPIRY"],
                    list.lines.map {
                        [
                            $0.location, $0.sku, $0.lot ?? "", $0.unit?.serial ?? "", $0.quantity.description,
                            $0.expiry?.description ?? "",
                        ]
                    })
                for (sku, quantity) in list.short.sorted(by: { $0.key < $1.key }) {
                    text += "\nshort: \(quantity) of \(sku) not available"
                }
                return text
            }
        }
    }
}

struct Reorder: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What to order: stock and sales speed against each product's reorder point per location.",
        subcommands: [ReorderList.self, ReorderSet.self], defaultSubcommand: ReorderList.self)
}

struct ReorderList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List every reorder rule with its stock, sales speed and what to order.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Only this location and beneath it.") var location: String?
    @Option(help: "Days of sales the speed is measured over.") var window: Int = 28
    @Flag(help: "Only the lines that need an order.") var due = false

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var lines = try await store.openInventory().reorder(location: location, window: window)
            if due { lines = lines.filter(\.order.isPositive) }
            output.emit(lines.map(ReorderJSON.init)) {
                guard !lines.isEmpty else { return due ? "nothing to order" : "no reorder rules" }
                return table(
                    ["PRODUCT", "LOCATION", "AVAILABLE", "IN TRANSIT", "PER DAY", "DAYS", "POINT", "ORDER"],
                    lines.map {
                        [
                            $0.rule.sku, $0.rule.location, $0.available.description, $0.inTransit.description,
                            $0.dailySales.description, $0.daysOfCover.map(String.init) ?? "-",
                            $0.rule.point.description, $0.order.description,
                        ]
                    })
            }
        }
    }
}

struct ReorderSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Set a product's reorder point and reorder quantity for a location.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The product (SKU).") var product: String
    @Option(help: "The location.") var location: String
    @Option(help: "Order when available stock and transit are at or below this.") var point: String
    @Option(help: "How much to order at least.") var quantity: String

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let rule = try await store.openInventory().setReorderRule(
                sku: product, location: location, point: point, quantity: quantity)
            output.emit(ReorderRuleJSON(rule)) {
                "reorder \(rule.sku) at \(rule.location): order \(rule.quantity) when at or below \(rule.point)"
            }
        }
    }
}

struct Sales: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What sold over a period, by product, location and channel (store or online), the most first.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Only this product.") var product: String?
    @Option(help: "First day, YYYY-MM-DD (default: 30 days ago).") var since: String?
    @Option(help: "Last day, YYYY-MM-DD (default: today).") var until: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let today = CalendarDay(Timestamp.now())
            let last = try day(until, "--until") ?? today
            let first = try day(since, "--since") ?? last.adding(days: -29)
            let lines = try await store.openInventory().sales(sku: product, from: first, until: last)
            output.emit(lines.map(SalesJSON.init)) {
                guard !lines.isEmpty else { return "no sales from \(first) to \(last)" }
                return table(
                    ["PRODUCT", "LOCATION", "CHANNEL", "SOLD"],
                    lines.map { [$0.sku, $0.location, $0.channel, $0.quantity.description] })
            }
        }
    }
}

struct LotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lot", abstract: "A product's lots: their dates, supplier and run.",
        subcommands: [LotList.self], defaultSubcommand: LotList.self)
}

struct LotList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a product's lots, or one.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The product (SKU).") var product: String
    @Argument(help: "One lot's code.") var code: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let lots = try await store.openInventory().lots(sku: product, code: code)
            output.emit(lots.map(LotJSON.init)) {
                guard !lots.isEmpty else { return "no lots of \(product)" }
                return table(
                    ["LOT", "MADE ON", "EXPIRY", "BEST BEFORE", "SUPPLIER", "RUN"],
                    lots.map {
                        [
                            $0.code, $0.madeOn?.description ?? "", $0.expiry?.description ?? "",
                            $0.bestBefore?.description ?? "", $0.supplier ?? "", $0.run ?? "",
                        ]
                    })
            }
        }
    }
}
