import UnitraceCore

/// Applies the input policy (``Field``, ``Limits``) to an event before it can enter the ledger. Every use case
/// commits through ``Inventory/commit(_:earlier:serialCounters:)``, which calls this for every event: the
/// rule holds for the CLI, each HTTP route, batch capture and import alike.
enum InputPolicy {
    /// The event with its text in NFC, or the first field that breaks the policy. Events of an import keep
    /// their bytes (their hash was made with them): they are checked, not changed.
    static func checked(_ event: Event, normalize: Bool) throws(InputError) -> Event {
        var result = event
        result.actor = try Field.line(event.actor, name: "actor", limit: Limits.identifier)
        if let reason = event.reason {
            result.reason = try Field.text(reason, name: "reason", limit: Limits.reason)
        }
        guard event.documents.count <= Limits.documents else {
            throw InputError(
                code: .invalidField,
                message: "at most \(Limits.documents) documents on one event, got \(event.documents.count)")
        }
        result.documents = try event.documents.map { document throws(InputError) in
            try Field.code(document.type, name: "document type")
            return DocumentRef(type: document.type, id: try Field.serial(document.id, name: "document id"))
        }
        if let sale = event.sale {
            var checked = try sale.validated()
            checked.customer = try sale.customer.map { text throws(InputError) in
                try Field.serial(text, name: "customer reference")
            }
            result.sale = checked
        }
        return normalize ? result : event
    }

    /// One line's own fields: lot, aliases, attributes.
    static func checked(_ line: EventLine, normalize: Bool) throws(InputError) -> EventLine {
        var result = line
        try Field.code(line.sku, name: "SKU")
        result.serial = try Field.serial(line.serial)
        result.lot = try line.lot.map { text throws(InputError) in try Field.serial(text, name: "lot") }
        result.aliases = try line.aliases?.map { alias throws(InputError) in
            Alias(kind: alias.kind, value: try Field.serial(alias.value, name: "alias"))
        }
        result.attributes = try line.attributes.map { map throws(InputError) in try Field.attributes(map) }
        return normalize ? result : line
    }
}
