import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

/// What `install` and `remove` take.
struct AssemblyOptions: ParsableArguments {
    @Argument(help: "The parent unit (the car), then its components (a motor, a battery pack), by any identifier.")
    var arguments: [String]
    @Option(name: .customLong("from-file"), help: "Read components from FILE, one a line ('-' for standard input).")
    var file: String?
    @Option(help: "Where the work happens (default: where the parent is).") var at: String?
    @Flag(help: "The work is a repair: parts may go into, or come out of, a sold or scrapped unit.") var repair = false

    func request() throws -> AssemblyRequest {
        guard let parent = arguments.first else {
            throw InputError(code: .invalidField, message: "name the parent unit first, then its components")
        }
        let rest = Array(arguments.dropFirst())
        return AssemblyRequest(
            parent: parent, components: rest.isEmpty && file == nil ? [] : try readScans(arguments: rest, from: file),
            location: at, repair: repair)
    }
}

/// The store, the event's who/when/why and the parts: what `install` and `remove` both take.
struct AssemblyWork: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var assembly: AssemblyOptions

    func record(_ kind: EventKind) async throws {
        let output = store.output
        try await reporting(output) {
            let inventory = try await store.openInventory()
            let request = try assembly.request()
            let context = try event.context()
            let outcome =
                kind == .install
                ? try await inventory.install(request, context: context)
                : try await inventory.remove(request, context: context)
            let json = AssemblyOutcomeJSON(outcome)
            output.emit(json) { json.summary }
        }
    }
}

struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit components into a parent unit (a motor into a car), all or none.",
        discussion: """
            Each component must be in stock and loose. An installed component goes where its parent goes and does \
            nothing on its own until it is removed. Fitting a part into a sold or scrapped unit is a repair (--repair).
            """)
    @OptionGroup var work: AssemblyWork

    func run() async throws { try await work.record(.install) }
}

struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Take components out of the unit they are installed in; each is in stock again where the work happens.")
    @OptionGroup var work: AssemblyWork

    func run() async throws { try await work.record(.remove) }
}

struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace", abstract: "What is inside a unit, where a unit or a lot went, and where it came from.",
        subcommands: [Down.self, Up.self, Back.self])

    struct Back: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The events that make up where a unit, lot or EPC came from, through partners' EPCIS events.",
            discussion: """
                Lists its own history and every event captured from partners' EPCIS documents that names it, and \
                follows partners' transformation events from outputs back to inputs and aggregation events from \
                a child back to the case or pallet it travelled in, oldest event first.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "An EPC URI, a GS1 Digital Link, an EPC class URI, a unit, or a lot as SKU/LOT.")
        var item: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let json = BackTraceJSON(try await store.openInventory().traceBack(item))
                output.emit(json) { json.text }
            }
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What is inside a unit, recursively, with each component's lot, run and supplier.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The unit, by any identifier.") var unit: String
        @Option(help: "As it was then: a day (2026-10-01, its end) or a time with its offset.") var at: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let instant = try at.map(Trace.instant(parsing:))
                let json = TraceJSON(try await store.openInventory().traceDown(unit, at: instant))
                output.emit(json) { json.text }
            }
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Every unit a component unit or lot went into, now or before, and the outermost units that hold or held it, by place."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "A component unit by any identifier, or a lot as SKU/LOT with --lot.") var item: String
        @Flag(help: "ITEM is a lot, written SKU/LOT.") var lot = false
        @Option(help: "List the outermost units after this one (SKU/SERIAL, as the previous page's last line says).")
        var after: String?
        @Option(help: "How many outermost units to list (1 to 10,000).") var limit = 100

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let inventory = try await store.openInventory()
                let trace: Trace
                if lot {
                    guard let key = UnitKey(parsing: item) else {
                        throw InputError(code: .invalidField, message: "a lot is written SKU/LOT, e.g. EVM-200/L-2409")
                    }
                    trace = try await inventory.traceUp(
                        lot: LotKey(sku: key.sku, code: key.serial), after: after, limit: limit)
                } else {
                    trace = try await inventory.traceUp(item, after: after, limit: limit)
                }
                let json = TraceJSON(trace)
                output.emit(json) { json.text }
            }
        }
    }
}
