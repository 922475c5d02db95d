import UnitraceCore

extension Inventory {
    /// Adds a product to the catalogue.
    /// - Throws: ``InputError`` for a bad field or a SKU/GTIN that exists.
    public func addProduct(_ product: Product) async throws -> Product {
        let product = try product.validated()
        if try await store.product(sku: product.sku) != nil {
            throw InputError(code: .duplicateProduct, message: "product '\(Limits.quote(product.sku))' already exists")
        }
        if let gtin = product.gtin, let other = try await store.products().first(where: { $0.gtin == gtin }) {
            throw InputError(
                code: .duplicateProduct, message: "GTIN \(gtin) already belongs to product '\(Limits.quote(other.sku))'"
            )
        }
        try await store.insertProduct(product)
        return product
    }

    /// Adds a location under an existing parent.
    /// - Throws: ``InputError`` for a bad field, an existing code, or a parent that is unknown or built in.
    public func addLocation(_ location: Location) async throws -> Location {
        let location = try location.validated()
        if try await store.location(code: location.code) != nil {
            throw InputError(
                code: .duplicateLocation, message: "location '\(Limits.quote(location.code))' already exists")
        }
        if let parent = location.parent {
            guard let parentLocation = try await store.location(code: parent) else {
                throw InputError(code: .unknownLocation, message: "unknown parent location '\(Limits.quote(parent))'")
            }
            guard !parentLocation.kind.isBuiltIn else {
                throw InputError(
                    code: .notAPlace,
                    message: "'\(Limits.quote(parent))' is a built-in location and cannot have children")
            }
        }
        try await store.insertLocation(location)
        return location
    }
}
