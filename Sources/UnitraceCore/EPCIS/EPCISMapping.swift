import Foundation

/// How Unitrace's own events read as EPCIS 2.0 events: the one place a verb's meaning in the standard is
/// written down. An event captured from a document is written back as it was captured.
public enum EPCISMapping {
    /// The namespace of the extension members Unitrace writes (`unitrace:reason`, `unitrace:sale`).
    public static let namespace = "https://ns.unitrace.dev/epcis/"
    public static let prefix = "unitrace"

    /// What a writer needs to know about the catalogue to name units and places as URIs.
    public struct Catalogue: Sendable {
        public var products: [String: Product]

        public init(products: [String: Product] = [:]) {
            self.products = products
        }
    }

    /// The URI an EPCIS document names a unit by: its SGTIN EPC when the product has a GTIN and a known
    /// company prefix length, its GS1 Digital Link when it has a GTIN only, otherwise a Unitrace URN.
    public static func uri(of unit: UnitKey, catalogue: Catalogue) -> String {
        if let product = catalogue.products[unit.sku], let gtin = product.gtin {
            let data = GS1Data(elements: [GS1Element(ai: "01", value: gtin), GS1Element(ai: "21", value: unit.serial)])
            if let length = product.companyPrefixLength, let epc = try? EPC.from(data, companyPrefixLength: length) {
                return epc.pureIdentityURI
            }
            if let link = try? DigitalLink.make(data) { return link }
        }
        return "urn:unitrace:unit:\(escape(unit.sku)):\(escape(unit.serial))"
    }

    /// The class URI of a product (and lot) in a quantity list: its LGTIN EPC class when the product has a
    /// GTIN and a known company prefix length and the line a lot, its GS1 Digital Link when it has a GTIN,
    /// otherwise `urn:unitrace:class:SKU[:LOT]`.
    public static func classURI(sku: String, lot: String?, catalogue: Catalogue) -> String {
        if let product = catalogue.products[sku], let gtin = product.gtin {
            var elements = [GS1Element(ai: "01", value: gtin)]
            if let lot { elements.append(GS1Element(ai: "10", value: lot)) }
            let data = GS1Data(elements: elements)
            if lot != nil, let length = product.companyPrefixLength,
                let epc = try? EPC.from(data, companyPrefixLength: length), epc.kind == .lgtin
            {
                return epc.pureIdentityURI
            }
            if let link = try? DigitalLink.make(data) { return link }
        }
        return "urn:unitrace:class:\(escape(sku))" + (lot.map { ":\(escape($0))" } ?? "")
    }

    /// The URI of a Unitrace location.
    public static func uri(ofLocation code: String) -> String {
        "urn:unitrace:location:\(escape(code))"
    }

    /// The unit a `urn:unitrace:unit:` URI names.
    public static func unit(fromURI uri: String) -> UnitKey? {
        guard uri.hasPrefix("urn:unitrace:unit:") else { return nil }
        let parts = uri.dropFirst(18).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let sku = unescape(parts[0]), let serial = unescape(parts[1]) else { return nil }
        return UnitKey(sku: sku, serial: serial)
    }

    /// The location code a `urn:unitrace:location:` URI names.
    public static func location(fromURI uri: String) -> String? {
        guard uri.hasPrefix("urn:unitrace:location:") else { return nil }
        return unescape(uri.dropFirst(22))
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func unescape(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }

    /// The `eventID` of an event Unitrace made itself.
    public static func eventID(of event: Event) -> String {
        "urn:uuid:\(event.id.uuidString.lowercased())"
    }

    /// The event as an EPCIS 2.0 JSON-LD event object. A captured event is written as it came, with this
    /// store's record time; an event of Unitrace's own is mapped by its kind.
    /// - Parameter corrected: for a `correct` event, the event it declares an error.
    public static func json(of event: Event, catalogue: Catalogue, corrected: Event? = nil) -> [String: JSONValue] {
        if let captured = event.epcis {
            var fields = captured.fields
            fields["recordTime"] = .string(event.recordedAt.iso8601)
            return fields
        }
        if event.kind == .correct, let corrected {
            // The standard's error declaration: the corrected event again, with the declaration added.
            var fields = json(of: corrected, catalogue: catalogue)
            var declaration: [String: JSONValue] = [
                "declarationTime": .string(event.occurredAt.iso8601),
                "reason": .string("incorrect_data"),
                "correctiveEventIDs": .array([.string(eventID(of: event))]),
            ]
            if let reason = event.reason { declaration["\(prefix):reason"] = .string(reason) }
            fields["errorDeclaration"] = .object(declaration)
            fields["recordTime"] = .string(event.recordedAt.iso8601)
            return fields
        }
        let aggregation = event.kind == .pack || event.kind == .unpack
        // An install or remove is an AssociationEvent: the component is fitted to the parent as part of it, not
        // packed for shipping, so it is not an AggregationEvent; the parent is its parentID, not a child.
        let association = (event.kind == .install || event.kind == .remove) && event.parent != nil
        // A pack or unpack is an AggregationEvent of the container (parentID) and what goes in or out; an event
        // that moves containers lists them in its epcList before the units inside them.
        let containers = (event.containers ?? []).map { JSONValue.string(SSCC.digitalLink($0)) }
        let units = (association ? Assembly.components(of: event) : event.units.map(\.unit)).map {
            JSONValue.string(uri(of: $0, catalogue: catalogue))
        }
        // A production is a TransformationEvent: its inputs in, its units and quantities out, under the run's
        // transformation ID; the standard gives it no action.
        let transformation = event.kind == .produce
        let type: EPCISEventType =
            transformation ? .transformation : association ? .association : aggregation ? .aggregation : .object
        var fields: [String: JSONValue] = [
            "type": .string(type.rawValue),
            "eventTime": .string(event.occurredAt.iso8601),
            "eventTimeZoneOffset": .string(offset(event.occurredAt.offsetSeconds)),
            "recordTime": .string(event.recordedAt.iso8601),
            "eventID": .string(eventID(of: event)),
            "action": .string(event.kind.epcisAction),
            (aggregation || association ? "childEPCs" : "epcList"): .array(containers + units),
        ]
        if transformation {
            fields["action"] = nil
            fields["outputEPCList"] = fields.removeValue(forKey: "epcList")
            if let id = event.transformation {
                fields["transformationID"] = .string("urn:unitrace:transformation:\(escape(id))")
            }
            fields["inputQuantityList"] = .array(
                (event.inputs ?? []).map { line in
                    var element: [String: JSONValue] = [
                        "epcClass": .string(classURI(sku: line.sku, lot: line.lot, catalogue: catalogue)),
                        "quantity": JSONValue.number(parsing: line.quantity) ?? .string(line.quantity),
                    ]
                    if let uom = line.uom { element["uom"] = .string(uom) }
                    return .object(element)
                })
        }
        if association, let parent = event.parent {
            fields["parentID"] = .string(uri(of: parent, catalogue: catalogue))
        }
        if aggregation, let container = event.container {
            fields["parentID"] = .string(SSCC.digitalLink(container))
        }
        if CBV.businessSteps.contains(event.businessStep) {
            fields["bizStep"] = .string(event.businessStep)
        }
        if let disposition = event.disposition, CBV.dispositions.contains(disposition) {
            fields["disposition"] = .string(disposition)
        }
        if let location = event.location {
            fields["bizLocation"] = .object(["id": .string(uri(ofLocation: location))])
        }
        if !event.documents.isEmpty {
            fields["bizTransactionList"] = .array(
                event.documents.map { document in
                    var entry: [String: JSONValue] = [
                        "bizTransaction": .string(
                            "urn:unitrace:document:\(escape(document.type)):\(escape(document.id))")
                    ]
                    if CBV.businessTransactionTypes.contains(document.type) { entry["type"] = .string(document.type) }
                    return .object(entry)
                })
        }
        if let destination = event.destination {
            if let customer = event.destinationCustomer {
                fields["destinationList"] = .array([
                    .object([
                        "type": .string("owning_party"),
                        "destination": .string("urn:unitrace:customer:\(escape(customer))"),
                    ])
                ])
            } else {
                fields["destinationList"] = .array([
                    .object(["type": .string("location"), "destination": .string(uri(ofLocation: destination))])
                ])
            }
        }
        if let source = event.source {
            fields["sourceList"] = .array([
                .object(["type": .string("location"), "source": .string(uri(ofLocation: source))])
            ])
        }
        if let reason = event.reason { fields["\(prefix):reason"] = .string(reason) }
        if let sale = event.sale {
            var members: [String: JSONValue] = ["\(prefix):channel": .string(sale.channel)]
            if let customer = sale.customer { members["\(prefix):customer"] = .string(customer) }
            if let price = sale.price { members["\(prefix):price"] = .string(price) }
            if let currency = sale.currency { members["\(prefix):currency"] = .string(currency) }
            fields["\(prefix):sale"] = .object(members)
        }
        if let inspection = event.inspection {
            var members: [String: JSONValue] = [
                "\(prefix):procedure": .string(inspection.procedure),
                "\(prefix):result": .string(inspection.result.rawValue),
            ]
            if let inspector = inspection.inspector { members["\(prefix):inspector"] = .string(inspector) }
            if let equipment = inspection.equipment { members["\(prefix):equipment"] = .string(equipment) }
            if let defect = inspection.defect { members["\(prefix):defect"] = .string(defect) }
            for (index, measurement) in (inspection.measurements ?? []).enumerated() {
                var value: [String: JSONValue] = [
                    "\(prefix):name": .string(measurement.name), "\(prefix):value": .string(measurement.value),
                ]
                if let unit = measurement.unit { value["\(prefix):unit"] = .string(unit) }
                if let low = measurement.low { value["\(prefix):low"] = .string(low) }
                if let high = measurement.high { value["\(prefix):high"] = .string(high) }
                members["\(prefix):measurement\(index + 1)"] = .object(value)
            }
            fields["\(prefix):inspection"] = .object(members)
            // A lot inspected as a whole is named by its class, with no quantity.
            if let lot = inspection.lot {
                fields["quantityList"] = .array([
                    .object(["epcClass": .string(classURI(sku: lot.sku, lot: lot.lot, catalogue: catalogue))])
                ])
            }
        }
        if let quantities = event.quantities, !quantities.isEmpty {
            fields[aggregation ? "childQuantityList" : transformation ? "outputQuantityList" : "quantityList"] = .array(
                quantities.map { line in
                    var element: [String: JSONValue] = [
                        "epcClass": .string(classURI(sku: line.sku, lot: line.lot, catalogue: catalogue)),
                        "quantity": JSONValue.number(parsing: line.quantity) ?? .string(line.quantity),
                    ]
                    if let uom = line.uom { element["uom"] = .string(uom) }
                    return .object(element)
                })
        }
        let lots = Set(event.units.map(\.lot))
        if event.kind == .receive || transformation, lots.count == 1, let lot = lots.first ?? nil {
            fields["ilmd"] = .object(["cbvmda:lotNumber": .string(lot)])
        }
        return fields
    }

    /// The namespaces the members of `event`'s EPCIS form use.
    public static func namespaces(of event: Event) -> [String: String] {
        if let captured = event.epcis { return captured.namespaces }
        return [prefix: namespace]
    }

    /// `+01:00`, `-06:00`, `+00:00`.
    public static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let hours = magnitude / 3600
        let minutes = magnitude / 60 % 60
        return sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}
