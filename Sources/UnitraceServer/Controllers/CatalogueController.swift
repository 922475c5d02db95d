import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// The catalogue: products and locations.
struct CatalogueController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.listProducts, listProducts)
        routes.on(.addProduct, addProduct)
        routes.on(.showProduct, showProduct)
        routes.on(.listLocations, listLocations)
        routes.on(.addLocation, addLocation)
    }

    func listProducts(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let after = query(request, "after") ?? ""
        let products = try await inventory.products().filter { $0.sku > after }.prefix(limit)
        return try API.json(Page(items: Array(products), next: products.count == limit ? products.last?.sku : nil))
    }

    func addProduct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(ProductBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            guard let tracking = TrackingMode(rawValue: body.tracking ?? "serialized") else {
                throw InputError(code: .invalidField, message: "tracking must be serialized, lot or bulk")
            }
            guard let basis = WarrantyBasis(rawValue: body.warrantyFrom ?? "sale") else {
                throw InputError(code: .invalidField, message: "warrantyFrom must be sale or manufacture")
            }
            let product = try await inventory.addProduct(
                Product(
                    sku: body.sku, name: body.name, gtin: body.gtin, companyPrefixLength: body.companyPrefixLength,
                    tracking: tracking, warranty: body.warrantyMonths.map { WarrantyPolicy(months: $0, basis: basis) },
                    serialTemplate: try body.serialTemplate.map { text throws(InputError) in try SerialTemplate(text) },
                    attributes: body.attributes ?? [:], uom: body.uom, shelfLifeDays: body.shelfLifeDays))
            return (try API.encoder.encode(product), .created)
        }
    }

    func showProduct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let sku = try context.parameters.require("sku")
        return try API.json(try await inventory.product(sku: sku))
    }

    func listLocations(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let limit = try limit(request)
        let after = query(request, "after") ?? ""
        let locations = try await inventory.locations().filter { $0.code > after }.sorted { $0.code < $1.code }
            .prefix(limit)
        return try API.json(Page(items: Array(locations), next: locations.count == limit ? locations.last?.code : nil))
    }

    func addLocation(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (body, raw) = try await decode(LocationBody.self, request, context)
        return try await remembering(request, context, body: raw) {
            guard let kind = LocationKind(rawValue: body.kind), !kind.isBuiltIn else {
                throw InputError(
                    code: .invalidField,
                    message: "kind '\(Limits.quote(body.kind))' is not a kind of location one can add")
            }
            let location = try await inventory.addLocation(
                Location(code: body.code, name: body.name, kind: kind, parent: body.parent))
            return (try API.encoder.encode(location), .created)
        }
    }
}
