import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record an inspection or test of units, or of a lot as a whole: procedure, result, measured values.",
        discussion: """
            The result is --pass or --fail. Each --measure is NAME=VALUE[UNIT][@LOW..HIGH] (resistance=12.4Ohm@12..13, \
            noise=48dB@..45); a value outside its limits cannot pass. A failed inspection with --quarantine holds \
            the inspected units that are in stock back, in the same transaction. The certificate or report is a \
            document: --certificate ID, or --doc TYPE:ID.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @Argument(help: "The units inspected, by any identifier.") var units: [String] = []
    @Option(name: .customLong("from-file"), help: "Read units from FILE, one a line ('-' for standard input).")
    var file: String?
    @Option(help: "Only units of this product (for bare serials).") var product: String?
    @Option(help: "Inspect a lot as a whole, written SKU/LOT, instead of units.") var lot: String?
    @Option(help: "The procedure or test followed (EOL-TEST, ISO 2859 sampling, …).") var procedure: String
    @Flag(help: "The result.") var result: Inspection.Result
    @Option(name: .customLong("measure"), help: "A measured value, NAME=VALUE[UNIT][@LOW..HIGH] (repeatable).")
    var measurements: [String] = []
    @Option(help: "Who inspected.") var inspector: String?
    @Option(help: "The equipment or test bench used (a code).") var equipment: String?
    @Option(help: "What was found wrong (a defect code or a short description).") var defect: String?
    @Option(help: "The certificate or test report, kept as the document certificate:ID.") var certificate: String?
    @Option(help: "Where the inspection happened.") var at: String?
    @Flag(help: "A failure quarantines the inspected units that are in stock.") var quarantine = false

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let inventory = try await store.openInventory()
            var context = try event.context()
            if let certificate { context.documents.append(try DocumentRef(parsing: "certificate:\(certificate)")) }
            let inspection = Inspection(
                procedure: procedure, result: result,
                measurements: try measurements.map { text throws(InputError) in try MeasuredValue(parsing: text) },
                inspector: inspector, equipment: equipment, defect: defect)
            let scans = units.isEmpty && file == nil ? [] : try readScans(arguments: units, from: file)
            let request = InspectionRequest(
                units: scans, product: product,
                lot: try lot.map { text throws(InputError) in try LotRef(parsing: text) },
                inspection: inspection, location: at, quarantine: quarantine)
            let json = InspectionOutcomeJSON(try await inventory.inspect(request, context: context))
            output.emit(json) { json.summary }
        }
    }
}

extension Inspection.Result: EnumerableFlag {}

struct QualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality", abstract: "Find the shared cause of defects, and where a unit's damage began.",
        subcommands: [Causes.self, Timeline.self])

    struct Causes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank the factors failed units share (lot, supplier, run, line, equipment, operator, shift, …).",
            discussion: """
                The failed units are those with a failed inspection (--inspections, of --procedure P), those returned \
                with a reason (--returns, containing --reason TEXT), or the units given. Each factor value's failure \
                rate is compared with the rest of the units of the same products: relative risk with its 95% \
                interval, and Fisher's exact p-value, strongest first.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The failed units, by any identifier.") var units: [String] = []
        @Option(name: .customLong("from-file"), help: "Read failed units from FILE, one a line.") var file: String?
        @Flag(help: "Units with a failed inspection.") var inspections = false
        @Option(help: "With --inspections: only this procedure.") var procedure: String?
        @Flag(help: "Units returned with a reason.") var returns = false
        @Option(help: "With --returns: only reasons that contain this text.") var reason: String?
        @Option(help: "Compare with the units of this product only.") var product: String?
        @Option(help: "Read failures recorded from this day or time on.") var since: String?
        @Option(help: "How many factor values to show.") var limit = 10

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let inventory = try await store.openInventory()
                let source: FailureSource
                switch (inspections, returns, units.isEmpty && file == nil) {
                case (true, false, true): source = .inspections(procedure: procedure)
                case (false, true, true): source = .returns(reason: reason)
                case (false, false, false): source = .units(try readScans(arguments: units, from: file))
                default:
                    throw InputError(
                        code: .invalidField,
                        message: "name the failed units one way: units, --inspections or --returns")
                }
                let start = try since.map { text throws(InputError) in
                    text.count == 10
                        ? Timestamp(millisecondsSince1970: try CalendarDay(parsing: text).daysSince1970 * 86_400_000)
                        : try Timestamp(iso8601: text)
                }
                let json = CauseAnalysisJSON(
                    try await inventory.causes(of: source, product: product, since: start, limit: limit))
                output.emit(json) { json.text }
            }
        }
    }

    struct Timeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Where a unit's damage was first recorded (factory, transit, warehouse, after sale), and whether its lot and run are fine."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "The unit, by any identifier.") var unit: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let json = DamageTimelineJSON(try await store.openInventory().damageTimeline(unit))
                output.emit(json) { json.text }
            }
        }
    }
}
