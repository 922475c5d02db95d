import ArgumentParser
import UnitraceCore
import UnitraceInventory

struct ProductCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "product", abstract: "Add and list products.", subcommands: [Add.self, List.self, Show.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a product to the catalogue.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The SKU: letters, digits and - _ . :") var sku: String
        @Option(help: "The product's name.") var name: String
        @Option(help: "Its GTIN (8, 12, 13 or 14 digits, check digit verified).") var gtin: String?
        @Option(parsing: .unconditional, help: "Length of the GS1 Company Prefix in the GTIN (6 to 12), for EPCs.")
        var companyPrefixLength: Int?
        @Option(help: "serialized, lot or bulk.") var tracking: String = "serialized"
        @Option(parsing: .unconditional, help: "Warranty length in months (0 to 1200).") var warrantyMonths: Int?
        @Option(help: "When the warranty starts: sale or manufacture.") var warrantyFrom: String = "sale"
        @Option(help: "How this product's serials look, e.g. M-{YY}-{SEQ:6} (see docs/identifiers.md).")
        var serialTemplate: String?
        @Option(name: .customLong("attr"), help: "An attribute key=value (repeatable).") var attributes: [String] = []
        @Option(help: "A lot or bulk product's unit of measure, a UN/ECE code like KGM or LTR (default: pieces).")
        var uom: String?
        @Option(parsing: .unconditional, help: "Days a lot keeps from its made-on date (sets a new lot's expiry).")
        var shelfLifeDays: Int?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                guard let mode = TrackingMode(rawValue: tracking) else {
                    throw InputError(
                        code: .invalidField, message: "--tracking must be serialized, lot or bulk, got '\(tracking)'")
                }
                guard let basis = WarrantyBasis(rawValue: warrantyFrom) else {
                    throw InputError(
                        code: .invalidField,
                        message: "--warranty-from must be sale or manufacture, got '\(warrantyFrom)'")
                }
                var attributeMap: [String: String] = [:]
                for text in attributes {
                    let (key, value) = try Field.attribute(text)
                    attributeMap[key] = value
                }
                let product = Product(
                    sku: sku, name: name, gtin: gtin, companyPrefixLength: companyPrefixLength, tracking: mode,
                    warranty: warrantyMonths.map { WarrantyPolicy(months: $0, basis: basis) },
                    serialTemplate: try serialTemplate.map { text throws(InputError) in try SerialTemplate(text) },
                    attributes: attributeMap, uom: uom, shelfLifeDays: shelfLifeDays)
                let added = try await store.openInventory().addProduct(product)
                output.emit(added) { "added product \(added.sku) (\(added.name), \(added.tracking.rawValue))" }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalogue.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let products = try await store.openInventory().products()
                output.emit(products) {
                    table(
                        ["SKU", "TRACKING", "GTIN", "WARRANTY", "NAME"],
                        products.map {
                            [$0.sku, $0.tracking.rawValue, $0.gtin ?? "-", warrantyText($0.warranty), $0.name]
                        })
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one product.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The SKU.") var sku: String

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let product = try await store.openInventory().product(sku: sku)
                output.emit(product) {
                    """
                    \(product.sku)  \(product.name)
                    tracking         \(product.tracking.rawValue)
                    gtin             \(product.gtin ?? "-")\(product.companyPrefixLength.map { " (company prefix \($0) digits)" } ?? "")
                    warranty         \(warrantyText(product.warranty))
                    serial template  \(product.serialTemplate?.pattern ?? "-")
                    unit of measure  \(product.tracking == .serialized ? "-" : product.uom ?? "pieces")
                    shelf life       \(product.shelfLifeDays.map { "\($0) days" } ?? "-")
                    attributes       \(attributeText(product.attributes))
                    """
                }
            }
        }
    }
}

func warrantyText(_ warranty: WarrantyPolicy?) -> String {
    guard let warranty else { return "-" }
    return "\(warranty.months) months from \(warranty.basis.rawValue)"
}

func attributeText(_ attributes: [String: String]) -> String {
    attributes.isEmpty
        ? "-" : attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
}

struct LocationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location", abstract: "Add and list locations (a tree: site → zone → bin).",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a location.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The location code, unique in the store.") var code: String
        @Option(help: "Its name.") var name: String
        @Option(help: "site, warehouse, store, pop-up, drop-shipper, 3pl, repair-centre, zone or bin.") var kind: String
        @Option(help: "The location it is part of.") var parent: String?

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                guard let locationKind = LocationKind(rawValue: kind), !locationKind.isBuiltIn else {
                    let kinds = LocationKind.allCases.filter { !$0.isBuiltIn }.map(\.rawValue).joined(separator: ", ")
                    throw InputError(code: .invalidField, message: "--kind must be one of \(kinds); got '\(kind)'")
                }
                let added = try await store.openInventory().addLocation(
                    Location(code: code, name: name, kind: locationKind, parent: parent))
                output.emit(added) {
                    "added location \(added.code) (\(added.kind.rawValue))" + (added.parent.map { " in \($0)" } ?? "")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List locations as a tree.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let output = store.output
            try await reporting(output) {
                let locations = try await store.openInventory().locations()
                let depth = Dictionary(uniqueKeysWithValues: locations.map { ($0.code, $0.parent) })
                func level(_ code: String) -> Int {
                    var count = 0
                    var current = depth[code] ?? nil
                    while let parent = current { count += 1; current = depth[parent] ?? nil }
                    return count
                }
                output.emit(locations) {
                    table(
                        ["CODE", "KIND", "NAME"],
                        locations.map {
                            [String(repeating: "  ", count: level($0.code)) + $0.code, $0.kind.rawValue, $0.name]
                        })
                }
            }
        }
    }
}
