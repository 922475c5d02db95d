/// The rules of stock that hold for units and quantities alike. Pure.
public enum StockRules {
    /// Whether `event` hands stock to a customer (a sale, a shipment to a customer, a pick for one): what an
    /// expired lot or unit may not do. Scrapping it, moving it or sending it back to a supplier stays allowed.
    public static func handsOver(_ event: Event) -> Bool {
        event.kind == .sell || (event.kind == .ship && event.destinationCustomer != nil)
    }

    /// Refuses to sell or ship to a customer a unit whose expiry date has passed on the day of `event`.
    public static func checkExpiry(of state: UnitState?, in event: Event) throws(RuleViolation) {
        guard handsOver(event), let state, let text = state.expiry,
            let expiry = try? CalendarDay(parsing: text), expiry < CalendarDay(event.occurredAt)
        else { return }
        let lot = state.lot.map { "lot \($0) " } ?? ""
        throw RuleViolation(
            rule: .expired, unit: state.key, status: state.status, event: event.kind,
            detail: "\(lot)expired on \(expiry)")
    }

    /// Refuses a quantity line that does not fit its product: a lot on a bulk product, none on a lot product,
    /// a quantity for a serialized product, another unit of measure, or decimals for pieces.
    public static func check(_ line: QuantityLine, product: Product) throws(InputError) {
        switch product.tracking {
        case .serialized:
            throw InputError(
                code: .wrongTrackingMode,
                message:
                    "product '\(Limits.quote(product.sku))' is serialized: its units are named by serial, not counted as a quantity"
            )
        case .lot:
            guard line.lot != nil else {
                throw InputError(
                    code: .invalidField, message: "product '\(Limits.quote(product.sku))' is lot-tracked: name the lot")
            }
        case .bulk:
            if let lot = line.lot {
                throw InputError(
                    code: .wrongTrackingMode,
                    message:
                        "product '\(Limits.quote(product.sku))' is bulk: it has no lots, so lot '\(Limits.quote(lot))' cannot be given"
                )
            }
        }
        guard line.uom == product.uom else {
            throw InputError(
                code: .invalidField,
                message:
                    "product '\(Limits.quote(product.sku))' is counted in \(product.uom ?? "pieces"), not \(line.uom ?? "pieces")"
            )
        }
        let amount = try Quantity(parsing: line.quantity)
        if !MeasureUnit.allowsDecimals(product.uom), !amount.isWhole {
            throw InputError(
                code: .invalidField,
                message: "product '\(Limits.quote(product.sku))' is counted in whole pieces, not \(amount)")
        }
    }

    /// Refuses a lot that has expired on the day of `event` when the event hands it to a customer.
    public static func check(_ lot: Lot, in event: Event) throws(InputError) {
        guard handsOver(event), lot.isExpired(on: CalendarDay(event.occurredAt)), let expiry = lot.expiry else {
            return
        }
        throw InputError(
            code: .expired,
            message:
                "lot \(lot.code) of \(lot.sku) expired on \(expiry): it cannot be \(event.kind == .sell ? "sold" : "shipped to a customer")"
        )
    }
}
