import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Production runs: the line, equipment, operator and shift that made a lot.",
        subcommands: [Add.self, Show.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a production run; lots name it when they are received (--run).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The run's identifier.") var id: String
        @Option(help: "The production line.") var line: String
        @Option(help: "The product it makes.") var product: String?
        @Option(help: "The machine or cell.") var equipment: String?
        @Option(help: "Who ran it (an employee reference).") var `operator`: String?
        @Option(help: "The shift.") var shift: String?
        @Option(help: "The work order.") var workOrder: String?
        @Option(help: "When it started, ISO 8601 with offset (default: now).") var start: String?
        @Option(help: "When it ended, ISO 8601 with offset.") var end: String?
        @Option(help: "Who records it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let request = RunRequest(
                    id: id, sku: product, line: line, equipment: equipment, operator: `operator`, shift: shift,
                    workOrder: workOrder, start: try start.map(Timestamp.init(iso8601:)),
                    end: try end.map(Timestamp.init(iso8601:)))
                let run = try await store.openInventory().addRun(
                    request, context: EventContext(actor: EventOptions.actor(given: actor)))
                let json = RunJSON(run)
                output.emit(json) { "recorded run \(json.summary)" }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a production run.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The run's identifier.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let json = RunJSON(try await store.openInventory().run(id))
                output.emit(json) { json.summary }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List production runs, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(parsing: .unconditional, help: "At most this many.") var limit = 100

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let runs = try await store.openInventory().runs(limit: limit).map(RunJSON.init)
                output.emit(runs) { runs.map(\.summary).joined(separator: "\n") }
            }
        }
    }
}
