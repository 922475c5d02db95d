import Foundation
import HTTPTypes
import Hummingbird
import UnitraceCore
import UnitraceInventory

/// Identifiers: what a scan means.
struct IdentifiersController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.parseIdentifier, parseIdentifier)
    }

    /// What a scan means: the same answer as `unitrace id parse --json`.
    func parseIdentifier(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let text = query(request, "text"), !text.isEmpty else {
            throw Problem(status: 422, code: "invalid-field", title: "give the scan as ?text=…")
        }
        let kindText = query(request, "as") ?? "auto"
        guard let kind = IdentifierKind(rawValue: kindText) else {
            throw Problem(
                status: 422, code: "invalid-field",
                title: "as must be one of \(IdentifierKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let length = try query(request, "companyPrefixLength").map { text -> Int in
            guard let value = Int(text) else {
                throw Problem(status: 422, code: "invalid-field", title: "companyPrefixLength must be a number")
            }
            return value
        }
        return try API.json(
            try Identifiers.parse(
                text, as: kind, syntaxOnly: query(request, "syntaxOnly") == "true", companyPrefixLength: length))
    }
}
