import Foundation
import UnitraceCore

/// A realistic story for a new user: Voltaro, an electric-car maker with a plant in Lyon, a central
/// warehouse and dealers. Serialized motors made in two production runs, battery packs from lots, cars known
/// by their VIN with a motor and a battery pack fitted in each, transfers, store and online sales, a return, a
/// quarantine and a scrapped motor.
public struct DemoSummary: Hashable, Sendable, Codable {
    public var products: Int
    public var locations: Int
    public var events: Int
    public var units: Int
    /// A car worth looking at: sold, returned and quarantined.
    public var featuredUnit: String
    /// The car whose customer hears a noise from the motor: the start of the recall story.
    public var noisyCar: String
    /// An advance ship notice being received, with a missing and an unexpected unit: to accept or refuse.
    public var openNotice: String
}

extension Inventory {
    public func loadDemo(actor: String = "demo") async throws -> DemoSummary {
        func at(_ text: String) throws -> EventContext {
            EventContext(actor: actor, occurredAt: try Timestamp(iso8601: text))
        }
        func ctx(_ text: String, _ documents: [String] = [], reason: String? = nil) throws -> EventContext {
            var context = try at(text)
            context.documents = try documents.map { text throws(InputError) in try DocumentRef(parsing: text) }
            context.reason = reason
            return context
        }

        let products = [
            Product(
                sku: "EVM-200", name: "Drive motor EVM-200", gtin: "03760123450010",
                warranty: WarrantyPolicy(months: 96, basis: .manufacture),
                serialTemplate: try SerialTemplate("M-{yy}-{seq:6}"), attributes: ["power_kw": "200"]),
            Product(
                sku: "BP-75", name: "Battery pack 75 kWh", warranty: WarrantyPolicy(months: 96, basis: .manufacture),
                serialTemplate: try SerialTemplate("BP-{seq:6}"), attributes: ["capacity_kwh": "75"]),
            Product(
                sku: "TERRA-SUV", name: "Voltaro Terra SUV", warranty: WarrantyPolicy(months: 36, basis: .sale),
                attributes: ["body": "suv"]),
            Product(
                sku: "CITY-HATCH", name: "Voltaro City hatchback", warranty: WarrantyPolicy(months: 36, basis: .sale),
                attributes: ["body": "hatchback"]),
            Product(sku: "CABLE-T2", name: "Type 2 charging cable", tracking: .bulk),
            Product(
                sku: "COOLANT-5L", name: "Battery coolant, 5 l can", tracking: .lot, uom: "LTR", shelfLifeDays: 730),
        ]
        for product in products { _ = try await addProduct(product) }

        let locations = [
            Location(code: "LYON", name: "Lyon plant", kind: .site),
            Location(code: "LYON-MOTOR", name: "Motor line", kind: .zone, parent: "LYON"),
            Location(code: "LYON-MOTOR-01", name: "Motor rack 01", kind: .bin, parent: "LYON-MOTOR"),
            Location(code: "LYON-MOTOR-02", name: "Motor rack 02", kind: .bin, parent: "LYON-MOTOR"),
            Location(code: "LYON-BATT", name: "Battery store", kind: .zone, parent: "LYON"),
            Location(code: "LYON-YARD", name: "Finished-car yard", kind: .zone, parent: "LYON"),
            Location(code: "DC-MACON", name: "Mâcon distribution centre", kind: .warehouse),
            Location(code: "DEALER-PARIS", name: "Voltaro Paris Bastille", kind: .store),
            Location(code: "DEALER-BERLIN", name: "Voltaro Berlin Mitte", kind: .store),
            Location(code: "POPUP-LYON", name: "Part-Dieu pop-up", kind: .popUp),
            Location(code: "REPAIR-LYON", name: "Lyon service centre", kind: .repairCentre),
        ]
        for location in locations { _ = try await addLocation(location) }

        // Production: motors numbered from the template, made in two runs on two lines (one lot each),
        // battery packs by lot, cars by VIN.
        for run in [
            RunRequest(
                id: "RUN-MOT-0927", sku: "EVM-200", line: "MOTOR-L1", equipment: "WINDER-3", operator: "OP-114",
                shift: "night", workOrder: "WO-881", start: try Timestamp(iso8601: "2026-09-27T22:00:00+02:00"),
                end: try Timestamp(iso8601: "2026-09-28T06:00:00+02:00")),
            RunRequest(
                id: "RUN-MOT-0928", sku: "EVM-200", line: "MOTOR-L2", equipment: "WINDER-5", operator: "OP-207",
                shift: "day", workOrder: "WO-882", start: try Timestamp(iso8601: "2026-09-28T06:00:00+02:00"),
                end: try Timestamp(iso8601: "2026-09-28T14:00:00+02:00")),
        ] {
            _ = try await addRun(run, context: try at("2026-09-28T14:30:00+02:00"))
        }
        var motors: [UnitKey] = []
        for (lot, run) in [("MOT-2026-W40-A", "RUN-MOT-0927"), ("MOT-2026-W40-B", "RUN-MOT-0928")] {
            motors += try await receive(
                ReceiveRequest(
                    sku: "EVM-200", location: "LYON-MOTOR-01", count: 6, lot: lot,
                    lotDetails: LotDetails(
                        madeOn: try CalendarDay(parsing: "2026-09-28"), supplier: "VOLTARO-LYON", run: run)),
                context: ctx("2026-10-01T07:42:00+02:00", ["prodorder:PO-MOT-881"])
            ).units
        }
        var packs: [UnitKey] = []
        for (lot, first) in [("CELL-LOT-4471", 1), ("CELL-LOT-4472", 7)] {
            let lines = (first..<first + 6).map { ReceiveLine(serial: String(format: "BP-%06d", $0)) }
            packs += try await receive(
                ReceiveRequest(sku: "BP-75", location: "LYON-BATT", lines: lines, lot: lot),
                context: ctx("2026-10-02T09:15:00+02:00", ["po:PO-CELL-2231"])
            ).units
        }
        _ = try await move(
            motors.suffix(6).map(\.description), to: "LYON-MOTOR-02", context: ctx("2026-10-02T11:00:00+02:00"))

        let colors = ["red", "white", "blue", "red", "black", "red"]
        var suvs: [String] = []
        for (index, color) in colors.enumerated() {
            let vin = VIN.withCheckDigit("VF7TR2026000\(String(format: "%05d", 10 + index))")!
            suvs.append(vin)
            _ = try await receive(
                ReceiveRequest(
                    sku: "TERRA-SUV", location: "LYON-YARD",
                    lines: [
                        ReceiveLine(
                            serial: vin,
                            aliases: [Alias(kind: .vin, value: vin), Alias(kind: .own, value: "TER-\(1001 + index)")])
                    ],
                    attributes: ["color": color, "heated_seats": index.isMultiple(of: 2) ? "yes" : "no"]),
                context: ctx("2026-10-0\(6 + index % 3)T16:20:00+02:00", ["prodorder:PO-TER-\(17 + index)"]))
        }
        // Assembly: each SUV gets a motor (one from each run in turn) and a battery pack at the yard.
        for (index, vin) in suvs.enumerated() {
            let motor = motors[index % 2 == 0 ? index / 2 : 6 + index / 2]
            _ = try await install(
                AssemblyRequest(parent: vin, components: [motor.description, packs[index].description]),
                context: ctx("2026-10-0\(6 + index % 3)T17:05:00+02:00", ["prodorder:PO-TER-\(17 + index)"]))
        }
        var hatches: [String] = []
        for index in 0..<4 {
            let vin = VIN.withCheckDigit("VF7CH2026000\(String(format: "%05d", 50 + index))")!
            hatches.append(vin)
        }
        _ = try await receive(
            ReceiveRequest(
                sku: "CITY-HATCH", location: "LYON-YARD",
                lines: hatches.map { ReceiveLine(serial: $0, aliases: [Alias(kind: .vin, value: $0)]) },
                attributes: ["color": "green", "heated_seats": "no"]),
            context: ctx("2026-10-09T15:05:00+02:00", ["prodorder:PO-CITY-4"]))

        // Distribution to dealers.
        _ = try await ship(
            Array(suvs.prefix(3)), toLocation: "DEALER-PARIS",
            context: ctx("2026-10-12T06:30:00+02:00", ["desadv:ASN-5531"]))
        _ = try await ship(
            Array(suvs[3..<5]), toLocation: "DEALER-BERLIN",
            context: ctx("2026-10-12T06:45:00+02:00", ["desadv:ASN-5532"]))
        _ = try await arrive(
            Array(suvs.prefix(3)), at: nil, context: ctx("2026-10-13T10:10:00+02:00", ["recadv:GRN-88"]))
        _ = try await arrive(Array(suvs[3..<5]), at: nil, context: ctx("2026-10-14T09:40:00+02:00", ["recadv:GRN-91"]))
        _ = try await ship(
            Array(hatches.prefix(2)), toLocation: "DC-MACON",
            context: ctx("2026-10-15T08:00:00+02:00", ["desadv:ASN-5540"]))
        _ = try await arrive(Array(hatches.prefix(2)), at: nil, context: ctx("2026-10-15T13:25:00+02:00"))

        // Sales: two in the Paris showroom, one online and delivered to the customer's door.
        _ = try await sell(
            [suvs[0]],
            sale: Sale(customer: "CUST-10231", channel: "store:DEALER-PARIS", price: "48900.00", currency: "EUR"),
            context: ctx("2026-10-20T17:45:00+02:00", ["receipt:PAR-2026-0412"]))
        _ = try await sell(
            [suvs[1]],
            sale: Sale(customer: "CUST-10388", channel: "store:DEALER-PARIS", price: "51250.00", currency: "EUR"),
            context: ctx("2026-10-24T11:05:00+02:00", ["receipt:PAR-2026-0431"]))
        _ = try await sell(
            [hatches[0]], sale: Sale(customer: "CUST-20917", channel: "online", price: "27990.00", currency: "EUR"),
            context: ctx("2026-10-27T21:12:00+01:00", ["order:WEB-778812"]))
        _ = try await ship(
            [hatches[0]], toCustomer: "CUST-20917", context: ctx("2026-10-28T08:30:00+01:00", ["bol:DPD-99812"]))
        _ = try await arrive([hatches[0]], at: nil, context: ctx("2026-10-30T14:02:00+01:00"))

        // A return: the second Paris SUV comes back with a charging fault and is held for inspection.
        _ = try await returnUnits(
            [suvs[1]], to: "DEALER-PARIS",
            context: ctx("2026-11-03T10:30:00+01:00", ["rma:RMA-3310"], reason: "charging fault"))
        _ = try await quarantine(
            [suvs[1]], context: ctx("2026-11-03T10:35:00+01:00", reason: "charging fault, awaiting inspection"))

        // Quality: a motor fails the end-of-line test and is scrapped.
        _ = try await quarantine(
            [motors[3].description],
            context: ctx("2026-10-03T14:00:00+02:00", reason: "end-of-line test failed: winding short"))
        _ = try await scrap(
            [motors[3].description], context: ctx("2026-10-04T09:00:00+02:00", reason: "winding short confirmed"))

        // Stock by the lot and in bulk: coolant in two lots (the older one expires at the start of December),
        // cables by the hundred; some go to Paris, where a few are sold.
        _ = try await receiveStock(
            [
                StockLineRequest(
                    sku: "COOLANT-5L", lot: "CL-2412", quantity: "400",
                    details: LotDetails(madeOn: try CalendarDay(parsing: "2024-12-01"), supplier: "FLUIDA-SA")),
                StockLineRequest(
                    sku: "COOLANT-5L", lot: "CL-2609", quantity: "600",
                    details: LotDetails(madeOn: try CalendarDay(parsing: "2026-09-15"), supplier: "FLUIDA-SA")),
                StockLineRequest(sku: "CABLE-T2", quantity: "200"),
            ], at: "DC-MACON", context: ctx("2026-10-05T07:40:00+02:00", ["desadv:ASN-FL-220"]))
        _ = try await shipStock(
            [
                StockLineRequest(sku: "COOLANT-5L", lot: "CL-2412", quantity: "60"),
                StockLineRequest(sku: "CABLE-T2", quantity: "40"),
            ],
            from: "DC-MACON", toLocation: "DEALER-PARIS", context: ctx("2026-10-12T06:45:00+02:00", ["desadv:ASN-5532"])
        )
        _ = try await arriveStock(
            [
                StockLineRequest(sku: "COOLANT-5L", lot: "CL-2412", quantity: "60"),
                StockLineRequest(sku: "CABLE-T2", quantity: "40"),
            ],
            at: "DEALER-PARIS", context: ctx("2026-10-13T10:15:00+02:00", ["recadv:GRN-89"]))
        _ = try await sellStock(
            [StockLineRequest(sku: "CABLE-T2", quantity: "3")], from: nil,
            sale: Sale(customer: "CUST-10388", channel: "store:DEALER-PARIS", price: "189.00", currency: "EUR"),
            context: ctx("2026-10-24T11:07:00+02:00", ["receipt:PAR-2026-0432"]))
        _ = try await setReorderRule(sku: "CABLE-T2", location: "DEALER-PARIS", point: "40", quantity: "50")

        // A delivery on its way to the battery store: four packs, coolant and cables announced by the supplier.
        // The clerk has scanned what came: one pack is missing, one nobody announced is in the box, and ten
        // cables are short. It waits for someone to accept it (in full or in part) or refuse it.
        let notice = try await addNotice(
            NoticeRequest(
                id: "ASN-CELL-3001", supplier: "CELLCO", order: "PO-CELL-2290", orderedOn: "2026-10-20",
                expectedOn: "2026-11-02", location: "LYON-BATT",
                lines: (13...16).map { NoticeRequest.Line(sku: "BP-75", serial: String(format: "BP-%06d", $0)) } + [
                    NoticeRequest.Line(
                        sku: "COOLANT-5L", lot: "CL-2610", quantity: "100", expiry: "2028-10-01", madeOn: "2026-10-01"),
                    NoticeRequest.Line(sku: "CABLE-T2", quantity: "50"),
                ]),
            context: try at("2026-10-28T16:00:00+01:00"))
        _ = try await addNoticeScans(
            notice.id, scans: ["BP-000013", "BP-000014", "BP-000016", "BP-75/BP-000099"],
            quantities: [
                StockLineRequest(sku: "COOLANT-5L", lot: "CL-2610", quantity: "100"),
                StockLineRequest(sku: "CABLE-T2", quantity: "40"),
            ], context: try at("2026-11-02T08:20:00+01:00"))

        let head = try await store.head()
        return DemoSummary(
            products: products.count, locations: locations.count, events: Int(head.sequence),
            units: motors.count + packs.count + suvs.count + hatches.count, featuredUnit: suvs[1], noisyCar: suvs[0],
            openNotice: notice.id)
    }
}
