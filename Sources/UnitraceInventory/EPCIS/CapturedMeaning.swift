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
        case "inspecting": return .release
        case "storing", "stocking", "picking", "loading", "unloading", "staging_outbound": return .move
        default: return nil
        }
    }

    /// The text of a `unitrace:` extension member.
    static func extensionText(_ event: EPCISEvent, _ name: String) -> String? {
        guard event.namespaces[EPCISMapping.prefix] == EPCISMapping.namespace else { return nil }
        return event.fields["\(EPCISMapping.prefix):\(name)"]?.string
    }

    /// A member of the `unitrace:sale` extension.
    static func saleText(_ event: EPCISEvent, _ name: String) -> String? {
        guard event.namespaces[EPCISMapping.prefix] == EPCISMapping.namespace else { return nil }
        return event.fields["\(EPCISMapping.prefix):sale"]?["\(EPCISMapping.prefix):\(name)"]?.string
    }
}
