import Foundation

/// How a product's stock is tracked.
public enum TrackingMode: String, Sendable, Codable, CaseIterable {
    /// Every unit has its own serial and history.
    case serialized
    /// Quantities per batch (lot), with expiry.
    case lot
    /// A quantity per SKU per location.
    case bulk
}

/// When a product's warranty clock starts.
public enum WarrantyBasis: String, Sendable, Codable, CaseIterable {
    case sale
    case manufacture
}

/// How long a unit is covered, and from when.
public struct WarrantyPolicy: Hashable, Sendable, Codable {
    public var months: Int
    public var basis: WarrantyBasis

    public init(months: Int, basis: WarrantyBasis) {
        self.months = months
        self.basis = basis
    }
}

/// A kind of thing sold or stocked.
public struct Product: Hashable, Sendable, Codable {
    public var sku: String
    public var name: String
    public var gtin: String?
    /// How many leading digits of the GTIN (after the indicator) are the GS1 Company Prefix: needed to write
    /// the product's units as EPCs, since the GTIN alone does not tell.
    public var companyPrefixLength: Int?
    public var tracking: TrackingMode
    public var warranty: WarrantyPolicy?
    /// How this product's own serials look; see ``SerialTemplate``. Serials typed by hand are checked
    /// against it. Without one, `receive --count` numbers serials with ``SerialTemplate/default``.
    public var serialTemplate: SerialTemplate?
    public var attributes: [String: String]
    /// The unit of measure of a lot-tracked or bulk product's quantities (a UN/ECE code: `KGM`, `LTR`);
    /// `nil` counts pieces, in whole numbers.
    public var uom: String?
    /// How many days a lot keeps from its made-on date: the expiry of a lot received without one.
    public var shelfLifeDays: Int?

    public init(
        sku: String,
        name: String,
        gtin: String? = nil,
        companyPrefixLength: Int? = nil,
        tracking: TrackingMode = .serialized,
        warranty: WarrantyPolicy? = nil,
        serialTemplate: SerialTemplate? = nil,
        attributes: [String: String] = [:],
        uom: String? = nil,
        shelfLifeDays: Int? = nil
    ) {
        self.uom = uom
        self.shelfLifeDays = shelfLifeDays
        self.sku = sku
        self.name = name
        self.gtin = gtin
        self.companyPrefixLength = companyPrefixLength
        self.tracking = tracking
        self.warranty = warranty
        self.serialTemplate = serialTemplate
        self.attributes = attributes
    }

    /// Checks the fields a person typed. Throws ``InputError`` naming the first bad field.
    public func validated() throws(InputError) -> Product {
        try Field.code(sku, name: "SKU")
        var product = self
        product.name = try Field.text(name, name: "product name", limit: Limits.name)
        if let gtin { try GTIN.validate(gtin) }
        if let companyPrefixLength {
            guard (6...12).contains(companyPrefixLength) else {
                throw InputError(
                    code: .invalidField,
                    message: "company prefix length must be a whole number from 6 to 12, got \(companyPrefixLength)")
            }
            guard gtin != nil else {
                throw InputError(code: .invalidField, message: "a company prefix length needs a GTIN")
            }
        }
        if let warranty { try Field.positive(warranty.months, name: "warranty months", minimum: 0, maximum: 1200) }
        product.attributes = try Field.attributes(attributes)
        if let uom {
            try MeasureUnit.validate(uom)
            guard tracking != .serialized else {
                throw InputError(
                    code: .invalidField,
                    message:
                        "a unit of measure is for lot-tracked and bulk products; serialized units are counted one by one"
                )
            }
        }
        if let shelfLifeDays {
            try Field.positive(shelfLifeDays, name: "shelf life days", maximum: 36_600)
            guard tracking != .bulk else {
                throw InputError(
                    code: .invalidField, message: "a shelf life is for products with lots; a bulk product has none")
            }
        }
        return product
    }
}

extension Product {
    /// The one form a serial of this product is stored, compared and found in. A product without a serial
    /// template or a GTIN numbers its units as the default template writes them (`{SEQ:6}`: `000001`), so a
    /// serial typed, scanned or given as a range as a plain number (`1`, `0001`, `1-5`) is written that way
    /// too: one number, one unit. Serials with any other character are kept as written; so are the serials of
    /// a product with a template (the template checks them) or with a GTIN (a GS1 serial, AI 21, is an exact
    /// string: `0001` and `1` are two SGTINs).
    public func canonicalSerial(_ serial: String) -> String {
        guard serialTemplate == nil, gtin == nil, !serial.isEmpty, serial.utf8.count <= 18,
            serial.utf8.allSatisfy({ (48...57).contains($0) }), let number = Int64(serial)
        else { return serial }
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
