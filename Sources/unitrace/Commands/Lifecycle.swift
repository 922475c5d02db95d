import ArgumentParser
import UnitraceCore
import UnitraceInventory

/// Prints what a use case recorded, with double scans as warnings.
func report(_ kind: EventKind, _ outcome: Outcome, output: Output, _ summary: String) {
    for duplicate in outcome.duplicates { output.warn(duplicate.description) }
    for (unit, recalls) in outcome.recalled.sorted(by: { $0.key < $1.key }) {
        output.warn("\(unit) is recalled (\(recalls.joined(separator: ", "))): see `unitrace recall show`")
    }
    output.emit(OutcomeJSON(kind, outcome)) {
        let receipt = outcome.receipt
        let units = outcome.units
        let containers = outcome.containers
        let packed =
            containers.isEmpty ? "" : " in \(containers.count) container\(containers.count == 1 ? "" : "s")"
        var text =
            "\(summary): \(units.count) unit\(units.count == 1 ? "" : "s")\(packed) (sequence \(receipt.lastSequence))"
        for container in containers.prefix(10) { text += "\n  container \(container)" }
        if units.isEmpty {
        } else if units.count <= 10 {
            text += "\n" + units.map { "  \($0)" }.joined(separator: "\n")
        } else if let first = units.first, let last = units.last {
            text += "\n  \(first) … \(last)"
        }
        return text
    }
}

struct Receive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Commission new units of a product at a location.",
        discussion: """
            Each scan is SERIAL followed by optional aliases kind:value (own, manufacturer, imei, vin, epc, warranty, \
            other), e.g. 'SN-88231 imei:490154203237518'; or a GS1 scan (element string, bracketed or Digital Link) whose \
            (01) picks the product, (21) the serial, (10) the lot and (17) the expiry. Or --count N generates serials \
            from the product's template.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @Argument(help: "Serials, each optionally followed by aliases kind:value.") var serialArguments: [String] = []
    @Option(help: "Read serials from FILE, one a line ('-' for standard input).") var from: String?
    @Option(help: "The product (may be left out when every line is a GS1 scan naming its GTIN).") var product: String?
    @Option(help: "Where the units are received.") var at: String
    @Option(parsing: .unconditional, help: "Generate N serials from the product's serial template.") var count: Int?
    @Option(help: "Serials as numbers and ranges, e.g. '1-5,10+3,~' (~ is the next free number).") var serials: String?
    @Option(
        name: .customLong("field"),
        help: "A value for a {NAME:N} field of the serial template, NAME=VALUE (repeatable).")
    var fields: [String] = []
    @Flag(help: "Also give each unit an own serial (alias) from the product's template.") var ownSerials = false
    @Option(help: "The lot the units belong to.") var lot: String?
    @OptionGroup var lotDetails: LotDetailOptions
    @Option(name: .customLong("attr"), help: "An attribute key=value for every unit (repeatable).") var attributes:
        [String] = []

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let texts =
                count == nil && serials == nil ? try readScans(arguments: serialArguments, from: from) : serialArguments
            let lines = try ReceiveLine.parseAll(texts)
            var attributeMap: [String: String] = [:]
            for text in attributes {
                let (key, value) = try Field.attribute(text)
                attributeMap[key] = value
            }
            var fieldMap: [String: String] = [:]
            for text in fields {
                guard let equals = text.firstIndex(of: "=") else {
                    throw InputError(code: .invalidField, message: "--field '\(text)' must be written NAME=VALUE")
                }
                fieldMap[String(text[..<equals]).uppercased()] = String(text[text.index(after: equals)...])
            }
            let request = ReceiveRequest(
                sku: product, location: at, lines: lines, count: count, ownSerials: ownSerials, lot: lot,
                attributes: attributeMap, serials: serials, fields: fieldMap, lotDetails: try lotDetails.details())
            let outcome = try await store.openInventory().receive(request, context: try event.context())
            report(.receive, outcome, output: output, "received at \(at)")
        }
    }
}

struct Move: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move units to another place (bin, zone, site).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
    @Option(help: "Where to.") var to: String

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().move(
                try scans.scans(), product: scans.product, to: to, context: try event.context())
            report(.move, outcome, output: output, "moved to \(to)")
        }
    }
}

struct Ship: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ship units to another location or to a customer; they go in transit until they arrive.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
    @Option(help: "The destination location.") var to: String?
    @Option(help: "The destination customer (a reference from your shop or CRM).") var customer: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().ship(
                try scans.scans(), product: scans.product, toLocation: to, toCustomer: customer,
                context: try event.context())
            report(.ship, outcome, output: output, "shipped to \(to ?? "customer \(customer ?? "")")")
        }
    }
}

struct Arrive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record that units in transit arrived (where they were headed, or --at).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
    @Option(help: "Where they arrived, if not where they were headed.") var at: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().arrive(
                try scans.scans(), product: scans.product, at: at, context: try event.context())
            report(.arrive, outcome, output: output, "arrived" + (at.map { " at \($0)" } ?? ""))
        }
    }
}

struct Sell: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sell units to a customer, in a store or online.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
    @Option(help: "online, or store:LOCATION for a sale over the counter (required).") var channel: String?
    @Option(help: "The customer (a reference from your POS, shop or CRM; no personal data).") var customer: String?
    @Option(help: "The receipt number.") var receipt: String?
    @Option(help: "The order number.") var order: String?
    @Option(help: "The price of each unit, e.g. 1299.00.") var price: String?
    @Option(help: "The currency of the price, e.g. EUR.") var currency: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var context = try event.context()
            if let receipt { context.documents.append(try DocumentRef(parsing: "receipt:\(receipt)")) }
            if let order { context.documents.append(try DocumentRef(parsing: "order:\(order)")) }
            let sale = channel.map { Sale(customer: customer, channel: $0, price: price, currency: currency) }
            let outcome = try await store.openInventory().sell(
                try scans.scans(), product: scans.product, sale: sale, context: context)
            report(
                .sell, outcome, output: output, "sold" + (customer.map { " to \($0)" } ?? "") + " (\(channel ?? ""))")
        }
    }
}

struct Return: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Take sold units back at a location (status returned).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
    @Option(help: "Where the units are taken back.") var to: String
    @Option(help: "The return authorisation number.") var rma: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var context = try event.context()
            if let rma { context.documents.append(try DocumentRef(parsing: "rma:\(rma)")) }
            let outcome = try await store.openInventory().returnUnits(
                try scans.scans(), product: scans.product, to: to, context: context)
            report(.return, outcome, output: output, "returned to \(to)")
        }
    }
}

/// Commands that change units where they stand: scans and the event options, nothing else.
protocol InPlaceCommand: AsyncParsableCommand {
    var store: StoreOptions { get }
    var event: EventOptions { get }
    var scans: ScanOptions { get }
    static var kind: EventKind { get }
    static var done: String { get }
}

extension InPlaceCommand {
    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let inventory = try await store.openInventory()
            let (units, context) = (try scans.scans(), try event.context())
            let outcome: Outcome
            switch Self.kind {
            case .quarantine: outcome = try await inventory.quarantine(units, product: scans.product, context: context)
            case .release: outcome = try await inventory.release(units, product: scans.product, context: context)
            default: outcome = try await inventory.scrap(units, product: scans.product, context: context)
            }
            report(Self.kind, outcome, output: output, Self.done)
        }
    }
}

struct Quarantine: InPlaceCommand {
    static let configuration = CommandConfiguration(abstract: "Hold units back from sale (needs --reason).")
    static let (kind, done) = (EventKind.quarantine, "quarantined")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
}

struct Release: InPlaceCommand {
    static let configuration = CommandConfiguration(abstract: "Put quarantined or returned units back in stock.")
    static let (kind, done) = (EventKind.release, "released to stock")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
}

struct Scrap: InPlaceCommand {
    static let configuration = CommandConfiguration(abstract: "Scrap units for good (needs --reason).")
    static let (kind, done) = (EventKind.scrap, "scrapped")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var scans: ScanOptions
}

struct Correct: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Declare a recorded event an error: its units go back to their state before it.",
        discussion:
            "The event stays in the ledger; a new correcting event names it. Only a unit's latest event can be corrected."
    )
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    // Taken as unrecognised input too, so that `-2` reaches the check below instead of reading as a flag.
    @Argument(parsing: .allUnrecognized, help: "The sequence number of the event to correct.") var sequence: [String]

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            guard sequence.count == 1, let number = Int64(sequence[0]), number >= 1 else {
                throw InputError(
                    code: .invalidField,
                    message:
                        "the sequence must be one whole number of at least 1, got '\(Limits.quote(sequence.joined(separator: " ")))'"
                )
            }
            let outcome = try await store.openInventory().correct(
                sequence: number, context: try event.context())
            report(.correct, outcome, output: output, "corrected event \(number)")
        }
    }
}
