import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct NoticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asn",
        abstract: "Receive against an advance ship notice or a purchase order: add, scan, show, accept or refuse.",
        discussion: """
            `asn add FILE` records what the supplier says is coming (JSON, or CSV with the columns \
            product,serial,lot,quantity,expiry,made_on). Scans are kept and compared with it (`asn show`); nothing \
            reaches the ledger until `asn accept` (in full, or --part) writes one receive event, or `asn refuse`.
            """,
        subcommands: [Add.self, Scan.self, Show.self, Accept.self, Refuse.self, List.self, LeadTimes.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a notice from a JSON or CSV file ('-' for standard input).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The file: JSON (the notice with its lines) or CSV (its lines; the rest from the options).")
        var file: String
        @Option(help: "The notice's id (CSV; overrides the JSON's).") var id: String?
        @Option(help: "asn or po (CSV; default asn).") var type: String?
        @Option(help: "The supplier's reference (CSV).") var supplier: String?
        @Option(help: "The purchase order an ASN answers (CSV).") var order: String?
        @Option(help: "When it was ordered, YYYY-MM-DD: the start of the lead time (CSV).") var orderedOn: String?
        @Option(help: "When it is expected, YYYY-MM-DD (CSV).") var expectedOn: String?
        @Option(help: "Where it is to be received (CSV).") var location: String?
        @Option(help: "Who records it (default: $UNITRACE_ACTOR, else the login name).") var actor: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let data: Data
                if file == "-" {
                    data = FileHandle.standardInput.readDataToEndOfFile()
                } else {
                    guard let contents = FileManager.default.contents(atPath: file) else {
                        throw InputError(code: .invalidField, message: "cannot read notice file \(file)")
                    }
                    data = contents
                }
                let text = try utf8(data, from: file)
                var request: NoticeRequest
                if text.drop(while: \.isWhitespace).first == "{" {
                    request = try NoticeRequest.json(data)
                } else {
                    guard let id, let supplier else {
                        throw InputError(code: .invalidField, message: "a CSV notice needs --id and --supplier")
                    }
                    request = try NoticeRequest.csv(
                        text, header: NoticeRequest(id: id, supplier: supplier, lines: []))
                }
                if let id { request.id = id }
                if let type { request.type = type }
                if let supplier { request.supplier = supplier }
                if let order { request.order = order }
                if let orderedOn { request.orderedOn = orderedOn }
                if let expectedOn { request.expectedOn = expectedOn }
                if let location { request.location = location }
                let notice = try await store.openInventory().addNotice(
                    request, context: EventContext(actor: EventOptions.actor(given: actor)))
                let json = NoticeJSON(notice)
                output.emit(json) {
                    "recorded \(json.type) \(json.id) from \(json.supplier): \(json.announcedUnits) units and \(json.announcedQuantities) quantity lines announced"
                }
            }
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add receiving scans: units (GS1 label, SKU/SERIAL, or an announced serial), or --product [--lot] --quantity."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "The notice's id.") var id: String
        @OptionGroup var input: ScanSessionInput

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let (texts, quantities) = try input.collected()
                let total = try await store.openInventory().addNoticeScans(
                    id, scans: texts, quantities: quantities,
                    context: EventContext(actor: EventOptions.actor(given: input.actor)))
                output.emit(["notice": id, "scans": String(total)]) { "notice \(id): \(total) scans" }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A receipt's result: matched, missing, unexpected, wrong product or lot, duplicates, short, over."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "The notice's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let result = NoticeResultJSON(try await store.openInventory().noticeResult(id))
                output.emit(result) { result.text }
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive what came, in one event: everything (default), or --part for only what matches.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var event: EventOptions
        @Argument(help: "The notice's id.") var id: String
        @Flag(help: "Receive only matched units, and each quantity up to what was announced.") var part = false
        @Option(help: "Where to receive (default: the notice's location).") var at: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let (result, receipt) = try await store.openInventory().acceptNotice(
                    id, part ? .part : .full, at: at, context: try event.context())
                let json = NoticeResultJSON(result)
                output.emit(json) {
                    "\(json.notice.state) \(id): \(result.notice.settlement?.units ?? 0) units and \(result.notice.settlement?.quantityLines ?? 0) quantity lines received, sequence \(receipt.firstSequence)"
                        + (json.notice.leadTimeDays.map { "; lead time \($0) days" } ?? "")
                }
            }
        }
    }

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse the whole delivery (--reason required).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var event: EventOptions
        @Argument(help: "The notice's id.") var id: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let notice = try await store.openInventory().refuseNotice(id, context: try event.context())
                output.emit(NoticeJSON(notice, lines: false)) { "refused \(id): nothing received" }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notices, newest first.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let notices = try await store.openInventory().notices().map { NoticeJSON($0, lines: false) }
                output.emit(notices) {
                    guard !notices.isEmpty else { return "no notices" }
                    return table(
                        ["ID", "TYPE", "SUPPLIER", "STATE", "UNITS", "QUANTITIES", "LEAD DAYS"],
                        notices.map {
                            [
                                $0.id, $0.type, $0.supplier, $0.state, String($0.announcedUnits),
                                String($0.announcedQuantities), $0.leadTimeDays.map(String.init) ?? "",
                            ]
                        })
                }
            }
        }
    }

    struct LeadTimes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lead-times", abstract: "Each supplier's lead time, ordered → received, in days.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let leads = try await store.openInventory().leadTimes().map(LeadTimeJSON.init)
                output.emit(leads) {
                    guard !leads.isEmpty else { return "no receipts with an order date yet" }
                    return table(
                        ["SUPPLIER", "RECEIPTS", "AVERAGE", "SHORTEST", "LONGEST"],
                        leads.map {
                            [
                                $0.supplier, String($0.receipts), String($0.averageDays), String($0.shortestDays),
                                String($0.longestDays),
                            ]
                        })
                }
            }
        }
    }
}
