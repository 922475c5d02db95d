import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

/// What `pack` and `unpack` take besides the container.
struct PackContentOptions: ParsableArguments {
    @Argument(
        help:
            "The container's SSCC (18 digits, (00)…, a Digital Link or urn:epc:id:sscc:…), then units by any identifier."
    )
    var arguments: [String]
    @Option(name: .customLong("from-file"), help: "Read units from FILE, one a line ('-' for standard input).")
    var file: String?
    @Option(help: "A quantity: SKU=QUANTITY or SKU/LOT=QUANTITY (repeatable).") var item: [String] = []
    @Option(name: .customLong("container"), help: "A smaller container, by SSCC (repeatable).")
    var containers: [String] = []

    func request(location: String? = nil, everything: Bool = false) throws -> PackRequest {
        guard let container = arguments.first else {
            throw InputError(code: .invalidField, message: "name the container by its SSCC first")
        }
        let units = Array(arguments.dropFirst())
        let scans =
            units.isEmpty && file == nil && (!item.isEmpty || !containers.isEmpty || everything)
            ? [] : try readScans(arguments: units, from: file)
        return PackRequest(
            container: container, units: scans, quantities: try item.map(stockItem), containers: containers,
            location: location, everything: everything)
    }
}

struct Pack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pack units, quantities and smaller containers into a case or pallet named by its SSCC.",
        discussion: """
            A new container is made where its content is (or --at). Packed content moves with its container: \
            `move`, `ship` and `arrive` take the SSCC; a packed unit cannot be moved, sold or scrapped alone until it \
            is unpacked.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var content: PackContentOptions
    @Option(help: "Where a new container is made (by default where its content is).") var at: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().pack(
                try content.request(location: at), context: try event.context())
            let json = PackOutcomeJSON(outcome)
            output.emit(json) { json.summary }
        }
    }
}

struct Unpack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take units, quantities or containers out of a container (--all: everything directly in it).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @OptionGroup var content: PackContentOptions
    @Flag(help: "Take out everything packed directly in the container.") var all = false

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let outcome = try await store.openInventory().unpack(
                try content.request(everything: all), context: try event.context())
            let json = PackOutcomeJSON(outcome)
            output.emit(json) { json.summary }
        }
    }
}
