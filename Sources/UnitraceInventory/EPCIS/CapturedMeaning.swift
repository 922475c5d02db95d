import UnitraceCore

/// What a captured EPCIS event means for the units Unitrace tracks: which verb it is. Decided here once,
/// for every door that captures EPCIS (the CLI's `epcis import`, the REST capture interface).
///
/// | business step (or action)                       | verb                                   |
/// |-------------------------------------------------|----------------------------------------|
/// | action `DELETE`, `destroying`                   | scrap (needs `unitrace:reason`)        |
/// | `shipping`, `departing`                         | ship (needs a destination it knows)    |
/// | `arriving`, `receiving`, `accepting`            | arrive, or return for units sold (needs a location and `unitrace:reason`) |
/// | `retail_selling`                                | sell (through `unitrace:channel`; without one, in the store at `bizLocation`, else online) |
/// | `holding`                                       | quarantine (needs `unitrace:reason`)   |
/// | `inspecting` with a `unitrace:inspection`       | inspect (its procedure and result required) |
/// | `inspecting`                                    | release                                |
/// | `storing`, `stocking`, `picking`, `loading`, `unloading`, `staging_outbound` | move to `bizLocation` |
enum CapturedMeaning {
    /// The bare CBV word of a business step written as a word or as a GS1 web vocabulary URI.
    static func word(_ step: String?) -> String? {
        guard let step else { return nil }
        for prefix in ["https://ref.gs1.org/cbv/BizStep-", "https://gs1.org/voc/Bizstep-"] where step.hasPrefix(prefix)
        {
            return String(step.dropFirst(prefix.count))
        }
        return step
    }

    /// The verb an ObjectEvent about tracked units is, when every unit is in `statuses`.
    static func kind(of event: EPCISEvent, statuses: Set<UnitStatus>) -> EventKind? {
        let step = word(event.bizStep)
        if event.action == .delete || step == "destroying" { return .scrap }
        switch step {
        case "shipping", "departing": return .ship
        case "arriving", "receiving", "accepting": return statuses == [.sold] ? .return : .arrive
        case "retail_selling": return .sell
        case "holding": return .quarantine
        case "inspecting": return inspectionMember(event, "procedure") != nil ? .inspect : .release
        case "storing", "stocking", "picking", "loading", "unloading", "staging_outbound": return .move
        default: return nil
        }
    }

    /// The text of a `unitrace:` extension member.
    static func extensionText(_ event: EPCISEvent, _ name: String) -> String? {
        guard event.namespaces[EPCISMapping.prefix] == EPCISMapping.namespace else { return nil }
        return event.fields["\(EPCISMapping.prefix):\(name)"]?.string
    }

    /// A member of the `unitrace:inspection` extension.
    static func inspectionMember(_ event: EPCISEvent, _ name: String) -> JSONValue? {
        guard event.namespaces[EPCISMapping.prefix] == EPCISMapping.namespace else { return nil }
        return event.fields["\(EPCISMapping.prefix):inspection"]?["\(EPCISMapping.prefix):\(name)"]
    }

    /// The inspection an `inspecting` event carries, as Unitrace exports it.
    /// - Throws: ``InputError`` naming what is missing or wrong.
    static func inspection(_ event: EPCISEvent) throws(InputError) -> Inspection {
        func text(_ name: String) -> String? { inspectionMember(event, name)?.string }
        guard let procedure = text("procedure"), let result = text("result").flatMap(Inspection.Result.init) else {
            throw InputError(
                code: .invalidField,
                message: "an inspection needs unitrace:procedure and unitrace:result (pass or fail)")
        }
        var measurements: [MeasuredValue] = []
        var index = 1
        while let member = inspectionMember(event, "measurement\(index)") {
            let prefix = EPCISMapping.prefix
            guard let name = member["\(prefix):name"]?.string, let value = member["\(prefix):value"]?.string else {
                throw InputError(
                    code: .invalidField, message: "unitrace:measurement\(index) needs unitrace:name and unitrace:value")
            }
            measurements.append(
                MeasuredValue(
                    name: name, value: value, unit: member["\(prefix):unit"]?.string,
                    low: member["\(prefix):low"]?.string, high: member["\(prefix):high"]?.string))
            index += 1
        }
        return try Inspection(
            procedure: procedure, result: result, measurements: measurements.isEmpty ? nil : measurements,
            inspector: text("inspector"), equipment: text("equipment"), defect: text("defect")
        ).validated()
    }

    /// A member of the `unitrace:sale` extension.
    static func saleText(_ event: EPCISEvent, _ name: String) -> String? {
        guard event.namespaces[EPCISMapping.prefix] == EPCISMapping.namespace else { return nil }
        return event.fields["\(EPCISMapping.prefix):sale"]?["\(EPCISMapping.prefix):\(name)"]?.string
    }
}
