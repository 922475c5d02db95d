import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct RecallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Recall campaigns: the affected units, where they are, and what became of them.",
        subcommands: [Create.self, Show.self, List.self, Outcome.self, Close.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a recall from criteria; the units in stock are quarantined in the same transaction.",
            discussion: """
                Each kind of criterion given must hold; within one kind, any value will do. --component-lot and \
                --component select every unit that contains one of those parts now, at any depth. Units fitted in \
                other units bring those in too.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The recall's identifier, e.g. RC-2026-01.") var id: String
        @Option(help: "Why (required).") var reason: String?
        @Option(help: "A product (repeatable).") var product: [String] = []
        @Option(help: "A lot as SKU/LOT (repeatable).") var lot: [String] = []
        @Option(help: "A production run (repeatable).") var run: [String] = []
        @Option(help: "A production line (repeatable).") var line: [String] = []
        @Option(help: "A machine or cell (repeatable).") var equipment: [String] = []
        @Option(help: "An operator reference (repeatable).") var `operator`: [String] = []
        @Option(help: "A supplier of the lot (repeatable).") var supplier: [String] = []
        @Option(help: "Lots made on or after this day, YYYY-MM-DD.") var madeFrom: String?
        @Option(help: "Lots made on or before this day, YYYY-MM-DD.") var madeThrough: String?
        @Option(help: "Serials as SKU/FROM..TO (repeatable).") var serials: [String] = []
        @Option(help: "A component lot as SKU/LOT: every unit containing one of its units (repeatable).")
        var componentLot: [String] = []
        @Option(help: "A component unit, by any identifier: every unit containing it (repeatable).")
        var component: [String] = []
        @Option(help: "Who makes it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?
        @Option(help: "When, ISO 8601 with offset (default: now).") var time: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let inventory = try await store.openInventory()
                var components: [String] = []
                for scan in component { components.append(try await inventory.unit(scan).description) }
                var form = RecallCriteriaJSON(RecallCriteria())
                func list(_ values: [String]) -> [String]? { values.isEmpty ? nil : values }
                form.products = list(product)
                form.lots = list(lot)
                form.runs = list(run)
                form.lines = list(line)
                form.equipment = list(equipment)
                form.operators = list(`operator`)
                form.suppliers = list(supplier)
                form.madeFrom = madeFrom
                form.madeThrough = madeThrough
                form.serials = list(serials)
                form.componentLots = list(componentLot)
                form.components = list(components)
                let context = EventContext(
                    actor: EventOptions.actor(given: actor), occurredAt: try time.map(Timestamp.init(iso8601:)))
                let report = try await inventory.createRecall(
                    id: id, reason: reason ?? "", criteria: try form.criteria(), context: context)
                let json = RecallJSON(report)
                output.emit(json) { json.text }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A recall's criteria, affected units by where they were, and progress; --csv or --json for a regulator's report."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "The recall's identifier.") var id: String
        @Flag(help: "Print the report as CSV, one row a unit.") var csv = false

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let json = RecallJSON(try await store.openInventory().recall(id))
                if csv {
                    FileHandle.standardOutput.write(Data(json.csv.utf8))
                } else {
                    output.emit(json) { json.text }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recalls, newest first, with their progress.")
        @OptionGroup var store: StoreOptions
        @Option(parsing: .unconditional, help: "At most this many.") var limit = 100

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let recalls = try await store.openInventory().recalls(limit: limit).map { RecallJSON($0) }
                output.emit(recalls) {
                    recalls.map { recall in
                        "\(recall.id)  \(recall.state)  \(recall.totals.closed)/\(recall.totals.units) closed  \(recall.reason)"
                    }.joined(separator: "\n")
                }
            }
        }
    }

    struct Outcome: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record what became of affected units: recovered, repaired, replaced, destroyed, customer-declined, unreachable."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "The recall, then units by any identifier.") var arguments: [String]
        @Option(help: "What became of them.") var outcome: String
        @Option(help: "A note.") var note: String?
        @Option(help: "Who records it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                guard let id = arguments.first, arguments.count > 1 else {
                    throw InputError(code: .invalidField, message: "name the recall, then the units")
                }
                guard let value = RecallOutcome(rawValue: outcome) else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "outcome must be one of \(RecallOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let report = try await store.openInventory().recordRecallOutcome(
                    id, units: Array(arguments.dropFirst()), outcome: value, note: note,
                    context: EventContext(actor: EventOptions.actor(given: actor)))
                let json = RecallJSON(report)
                output.emit(json) { json.summary }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a recall; refused while units are open, unless --force with a reason.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The recall's identifier.") var id: String
        @Flag(help: "Close it although units are still open.") var force = false
        @Option(help: "Why it is closed with units open.") var reason: String?
        @Option(help: "Who closes it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let report = try await store.openInventory().closeRecall(
                    id, force: force, reason: reason, context: EventContext(actor: EventOptions.actor(given: actor)))
                let json = RecallJSON(report)
                output.emit(json) { json.summary }
            }
        }
    }
}
