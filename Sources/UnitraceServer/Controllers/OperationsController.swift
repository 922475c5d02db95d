import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import UnitraceCore
import UnitraceInventory

/// Operations: health, metrics and the API description.
struct OperationsController: Controller {
    let api: API

    func addRoutes(to routes: Routes) {
        routes.on(.health, health)
        routes.on(.metrics, metricsText)
        routes.on(.openAPI, openAPI)
    }

    func health(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        do {
            let head = try await inventory.head()
            return try API.json(HealthView(status: "ok", events: head.sequence))
        } catch {
            throw Problem(status: 503, code: "store-unavailable", title: "the store is unavailable")
        }
    }

    func metricsText(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        metrics.webhookBacklog.set(Double(try await inventory.outboxBacklog()))
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
    }

    func openAPI(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else {
            throw Problem(status: 503, code: "unavailable", title: "the API description is not installed")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
