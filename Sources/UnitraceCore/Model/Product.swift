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

    public init(
        sku: String,
        name: String,
        gtin: String? = nil,
        companyPrefixLength: Int? = nil,
        tracking: TrackingMode = .serialized,
        warranty: WarrantyPolicy? = nil,
        serialTemplate: SerialTemplate? = nil,
        attributes: [String: String] = [:]
    ) {
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
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InputError(code: .invalidField, message: "product name must not be empty")
        }
        if let gtin { try GTIN.validate(gtin) }
        if let companyPrefixLength {
            guard (6...12).contains(companyPrefixLength) else {
                throw InputError(
                    code: .invalidField, message: "company prefix length must be 6 to 12, got \(companyPrefixLength)")
            }
            guard gtin != nil else {
                throw InputError(code: .invalidField, message: "a company prefix length needs a GTIN")
            }
        }
        if let warranty, !(0...1200).contains(warranty.months) {
            throw InputError(
                code: .invalidField, message: "warranty months must be between 0 and 1200, got \(warranty.months)")
        }
        for key in attributes.keys { try Field.attributeKey(key) }
        return self
    }
}
