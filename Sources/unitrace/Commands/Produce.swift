import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct Produce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a production: lots consumed, and a new lot made from them (its units, or a quantity).",
        discussion: """
            One event (an EPCIS TransformationEvent): each --input SKU/LOT=QUANTITY[UOM] (SKU=… for a bulk product) is \
            taken from stock at --at, and the new --lot is put there — units of a serialized product (serials, or \
            --count from its template) or --quantity of a lot-tracked one — defined with its run, made-on day and \
            the lots it was made from. `trace up --lot` of an input follows it into the lots made from it, and a \
            recall on it (--component-lot) reaches their units.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var event: EventOptions
    @Option(help: "The product made.") var product: String
    @Option(help: "Where the production happens.") var at: String
    @Option(help: "The new lot it makes.") var lot: String
    @Option(help: "The production run (line, equipment, operator, shift).") var run: String?
    @Option(help: "The day it was made (default: the event's day).") var madeOn: String?
    @Option(help: "The lot's expiry (default: from the product's shelf life).") var expiry: String?
    @Option(name: .customLong("input"), help: "A lot consumed, SKU/LOT=QUANTITY[UOM] (repeatable).")
    var inputs: [String] = []
    @Argument(help: "Serials of the units made (serialized product).") var serials: [String] = []
    @Option(help: "Make this many new units from the product's serial template.") var count: Int?
    @Option(help: "The quantity made (lot-tracked product).") var quantity: String?
    @Option(help: "The quantity's unit of measure (KGM, LTR).") var uom: String?

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let inventory = try await store.openInventory()
            let request = ProductionRequest(
                sku: product, location: at, lot: lot, run: run,
                madeOn: try madeOn.map { text throws(InputError) in try CalendarDay(parsing: text, name: "made-on") },
                expiry: try expiry.map { text throws(InputError) in try CalendarDay(parsing: text, name: "expiry") },
                serials: serials, count: count, quantity: quantity, uom: uom,
                inputs: try inputs.map { text throws(InputError) in try QuantityLine(parsingInput: text) })
            let json = ProductionOutcomeJSON(try await inventory.produce(request, context: try event.context()))
            output.emit(json) { json.summary }
        }
    }
}
