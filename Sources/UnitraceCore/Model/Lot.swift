/// A batch of a product made together: its code, its dates and where it came from. A lot-tracked product's
/// stock is held per lot; a serialized unit may belong to one too (a medicine pack).
public struct Lot: Hashable, Sendable, Codable {
    public var sku: String
    public var code: String
    public var madeOn: CalendarDay?
    /// The last day the lot may be sold or used: an expired lot cannot be picked or sold.
    public var expiry: CalendarDay?
    public var bestBefore: CalendarDay?
    /// The supplier's reference (a GLN, a party code).
    public var supplier: String?
    /// The production run that made it, when known.
    public var run: String?
    /// The lots (and bulk products) a production consumed to make it, with the quantities: its genealogy.
    public var inputs: [QuantityLine]?

    public init(
        sku: String, code: String, madeOn: CalendarDay? = nil, expiry: CalendarDay? = nil,
        bestBefore: CalendarDay? = nil, supplier: String? = nil, run: String? = nil, inputs: [QuantityLine]? = nil
    ) {
        self.sku = sku
        self.code = code
        self.madeOn = madeOn
        self.expiry = expiry
        self.bestBefore = bestBefore
        self.supplier = supplier
        self.run = run
        self.inputs = inputs
    }

    /// Checks the fields and fills the expiry from the product's shelf life when it was not given.
    /// - Throws: ``InputError`` naming the first bad field.
    public func validated(for product: Product) throws(InputError) -> Lot {
        try Field.serial(code, name: "lot")
        if let supplier { try Field.serial(supplier, name: "supplier") }
        if let run { try Field.serial(run, name: "production run") }
        var lot = self
        if lot.inputs?.isEmpty == true { lot.inputs = nil }
        if lot.expiry == nil, let madeOn, let days = product.shelfLifeDays {
            lot.expiry = madeOn.adding(days: Int64(days))
        }
        if let madeOn, let expiry = lot.expiry, expiry < madeOn {
            throw InputError(
                code: .invalidField, message: "lot \(code): expiry \(expiry) is before its made-on date \(madeOn)")
        }
        if let madeOn, let bestBefore, bestBefore < madeOn {
            throw InputError(
                code: .invalidField,
                message: "lot \(code): best-before \(bestBefore) is before its made-on date \(madeOn)")
        }
        return lot
    }

    /// Whether the lot is past its expiry on `day` (it may still be used on its expiry day).
    public func isExpired(on day: CalendarDay) -> Bool {
        expiry.map { $0 < day } ?? false
    }
}
