import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

func historyCells(_ entry: HistoryEntry) -> [String] {
    let event = entry.event
    var place = event.location.map { "at \($0)" } ?? ""
    if let destination = event.destination { place += (place.isEmpty ? "" : " ") + "to \(destination)" }
    var details: [String] = []
    if let sale = event.sale {
        details.append("via \(sale.channel)" + (sale.customer.map { " to \($0)" } ?? ""))
        if let price = sale.price { details.append("\(price)\(sale.currency.map { " \($0)" } ?? "")") }
    }
    if let restore = event.units.first?.restore { details.append("restores \(restore.status) at \(restore.location)") }
    if entry.unitCount > 1 {
        details.append("with \(entry.unitCount - 1) other unit\(entry.unitCount == 2 ? "" : "s")")
    }
    details += event.documents.map(\.description)
    if let reason = event.reason { details.append("\"\(reason)\"") }
    return [
        "#\(entry.sequence)", event.occurredAt.iso8601, event.kind.rawValue, place.isEmpty ? "-" : place, event.actor,
        [event.businessStep, event.disposition].compactMap { $0 }.joined(separator: "/"),
        details.joined(separator: "  "),
    ]
}

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Show a unit's passport (identity, aliases, attributes, status, location, owner, full history), or what a container holds."
    )
    @OptionGroup var store: StoreOptions
    @Argument(help: "SKU/SERIAL, a bare serial, an alias (VIN, IMEI, own serial, …), or a container's SSCC.")
    var unit: String
    @Option(help: "Take a bare serial as this product's.") var product: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let inventory = try await store.openInventory()
            if product == nil, let container = try await inventory.containerNamed(unit) {
                output.emit(container) { container.text }
                return
            }
            let passport = try await inventory.passport(unit, product: product)
            output.emit(PassportJSON(passport)) {
                let state = passport.state
                var lines = [
                    "\(state.key)  \(passport.product.name)",
                    "status      \(state.status)",
                    "location    \(state.location)" + (state.destination.map { " → \($0)" } ?? ""),
                    "owner       \(state.owner ?? "-")",
                    "lot         \(state.lot ?? "-")",
                    "expiry      \(state.expiry ?? "-")",
                    "container   \(state.container ?? "-")",
                    "aliases     \(state.aliases.isEmpty ? "-" : state.aliases.map(\.description).joined(separator: ", "))",
                    "attributes  \(attributeText(state.attributes))",
                    "warranty    \(warrantyText(passport.product.warranty))",
                ]
                let json = PassportJSON(passport)
                if let origin = json.origin { lines.insert("origin      \(origin.text)", at: 6) }
                if let recalls = json.recalls {
                    lines.insert("flags       recalled (\(recalls.joined(separator: ", ")))", at: 2)
                }
                if let chain = json.installedIn {
                    lines.append(
                        "installed   in "
                            + chain.map { "\($0.unit) (\($0.status) at \($0.location))" }.joined(separator: ", in "))
                }
                if let components = json.components {
                    lines.append("components")
                    var tree: [String] = []
                    for (index, node) in components.enumerated() {
                        node.tree(prefix: "  ", last: index == components.count - 1, top: false, into: &tree)
                    }
                    lines += tree
                }
                if let inspections = json.inspections {
                    lines.append("inspections")
                    for inspection in inspections {
                        lines.append("  \(inspection.occurredAt ?? "")  \(inspection.text)")
                    }
                }
                lines.append("history")
                let rows = passport.history.map(historyCells)
                lines += table(["#", "OCCURRED", "EVENT", "WHERE", "BY", "CBV", "DETAILS"], rows)
                    .split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
                return lines.joined(separator: "\n")
            }
        }
    }
}

struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Find units by product, status, location (and everything beneath it) and attributes, across the network.")
    @OptionGroup var store: StoreOptions
    @Option(help: "Only this product.") var product: String?
    @Option(help: "Only this status (in-stock, in-transit, sold, returned, quarantined, scrapped, …).") var status:
        String?
    @Option(help: "Only units at this location or beneath it.") var location: String?
    @Option(help: "Only this lot.") var lot: String?
    @Option(name: .customLong("attr"), help: "key=value on the unit or its product (repeatable; all must match).")
    var attributes: [String] = []
    @Option(help: "Start after this unit (SKU/SERIAL), for paging.") var after: String?
    @Option(parsing: .unconditional, help: "At most this many units.") var limit: Int = 100

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var query = UnitQuery(sku: product, location: location, lot: lot, limit: limit)
            if let status {
                guard let value = UnitStatus(rawValue: status) else {
                    throw InputError(
                        code: .invalidField,
                        message:
                            "--status must be one of \(UnitStatus.allCases.map(\.rawValue).joined(separator: ", ")); got '\(status)'"
                    )
                }
                query.status = value
            }
            for text in attributes {
                let (key, value) = try Field.attribute(text)
                query.attributes[key] = value
            }
            if let after {
                guard let key = UnitKey(parsing: after) else {
                    throw InputError(code: .invalidField, message: "--after must be SKU/SERIAL, got '\(after)'")
                }
                query.after = key
            }
            let units = try await store.openInventory().find(query)
            output.emit(units.map(UnitJSON.init)) {
                guard !units.isEmpty else { return "no units match" }
                return table(
                    ["UNIT", "STATUS", "LOCATION", "OWNER", "ATTRIBUTES"],
                    units.map {
                        [
                            $0.key.description, $0.status.rawValue, $0.location, $0.owner ?? "-",
                            attributeText($0.attributes),
                        ]
                    })
            }
        }
    }
}

struct StockUnits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units", abstract: "Count serialized units by product × location × status (the default).")
    @OptionGroup var store: StoreOptions
    @Option(help: "Only this product.") var product: String?
    @Option(help: "Only this location and beneath it.") var location: String?
    @Option(help: "Only this status.") var status: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            var query = StockQuery(sku: product, location: location)
            if let status {
                guard let value = UnitStatus(rawValue: status) else {
                    throw InputError(code: .invalidField, message: "--status: unknown status '\(status)'")
                }
                query.status = value
            }
            let lines = try await store.openInventory().stock(query)
            output.emit(lines) {
                guard !lines.isEmpty else { return "no units" }
                let total = lines.reduce(0) { $0 + $1.count }
                return table(
                    ["PRODUCT", "LOCATION", "STATUS", "COUNT"],
                    lines.map { [$0.sku, $0.location, $0.status.rawValue, String($0.count)] }) + "\ntotal \(total)"
            }
        }
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-walk the hash chain and replay the ledger against the stored unit states.",
        discussion: """
            Checks every event's hash, every column kept beside it, every unit row and the alias and attribute \
            indexes. With --head, also proves that a head recorded earlier (by `unitrace head`, or published by \
            the server) is still in the chain: events cut off the end are caught. Exits 0 when the ledger is \
            intact and 65 when it is not, naming the first broken sequence.
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "A head recorded earlier, SEQ:HASH, that must still be in the chain.") var head: String?

    func run() async throws {
        let output = store.output
        var intact = true
        try await reporting(output) {
            let witnessed = try head.map { text throws(InputError) in try HeadClaim(parsing: text) }
            let report = try await store.openInventory().verify(witnessed: witnessed)
            intact = report.ok
            if !report.ok { for problem in report.problems { output.error(problem) } }
            output.emit(report) {
                report.ok
                    ? "ledger intact: \(report.events) events, \(report.units) units"
                        + (witnessed.map { "; head \($0.sequence) is in the chain" } ?? "")
                    : report.firstBrokenSequence == nil && report.mismatchedUnits.isEmpty
                        ? "ledger intact, but an index differs from it: run `unitrace rebuild`"
                        : "ledger BROKEN" + (report.firstBrokenSequence.map { " at sequence \($0)" } ?? "")
                            + (report.mismatchedUnits.isEmpty
                                ? ""
                                : "; units differing: " + report.mismatchedUnits.prefix(10).joined(separator: ", "))
            }
        }
        if !intact { throw ExitCode(ExitStatus.rejected) }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the whole store: the ledger (as verify), identifiers, impossible histories, expired stock.",
        discussion: """
            Reports each check with how many it found and up to ten examples: the hash chain and projections, \
            serials that break their product's template, bare serials several products use, aliases that are \
            another unit's serial, units sold twice without a return, units seen after they were scrapped, and \
            lots or units past expiry still sellable. Writes nothing. Exits 0 when every check passes, 65 when \
            one does not.
            """)
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let output = store.output
        var clean = true
        try await reporting(output) {
            let report = try await store.openInventory().audit()
            clean = report.ok
            let json = AuditJSON(report)
            output.emit(json) { json.text }
        }
        if !clean { throw ExitCode(ExitStatus.rejected) }
    }
}

struct Rebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite the indexes derived from the ledger (the identifier index of EPCIS events) from it.",
        discussion: """
            The repair for an index `unitrace verify` reports as differing from the ledger. Reads every event, \
            rewrites only the pages that differ, and never touches the ledger; safe to run again or to stop.
            """)
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let report = try await store.openInventory().rebuild()
            output.emit(report) {
                "rebuilt from \(report.events) events: \(report.identifiers) identifier entries, "
                    + "\(report.repaired) repaired"
                    + (report.stockRewritten ? "; stock rewritten" : "")
                    + (report.unitsRecounted ? "; unit tally recounted" : "")
                    + (report.containersRewritten ? "; containers rewritten" : "")
            }
        }
    }
}

struct Head: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the ledger's head, SEQ:HASH, to keep outside the store.",
        discussion: """
            Kept somewhere the store's holder cannot edit (a ticket, an e-mail, another system), the head later \
            proves with `unitrace verify --head SEQ:HASH` that no event up to it was removed or changed.
            """)
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let head = try await store.openInventory().head()
            output.emit(["sequence": "\(head.sequence)", "hash": head.hash.hex, "head": head.description]) {
                head.description
            }
        }
    }
}
