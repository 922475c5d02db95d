import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import UnitraceCore
import UnitraceInventory

/// Builds the server: routes, middleware and the webhook delivery service. All wiring, nothing else.
public func buildApplication(
    _ configuration: ServerConfiguration, inventory: Inventory, logger: Logger = Logger(label: "unitrace"),
    metrics: ServerMetrics = ServerMetrics(), send: @escaping WebhookDispatcher.Send = WebhookSender.send,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let api = API(inventory: inventory, configuration: configuration, metrics: metrics)
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: AuthMiddleware(inventory: inventory, bodyLimit: configuration.maxBodySize))

    func on(_ endpoint: Endpoint, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response)
    {
        router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
            try FormQuery.validate(request.uri.query)
            if endpoint.roles != nil {
                guard let key = context.apiKey else {
                    throw Problem(
                        status: 401, code: "unauthorized", title: "send an API key: Authorization: Bearer ut_…")
                }
                guard endpoint.allows(key.role) else {
                    throw Problem(
                        status: 403, code: "forbidden", title: "the \(key.role.rawValue) role may not call this route")
                }
            }
            return try await handler(request, context)
        }
    }

    on(.health, api.health)
    on(.openAPI, api.openAPI)
    on(.metrics, api.metricsText)
    on(.listProducts, api.listProducts)
    on(.addProduct, api.addProduct)
    on(.showProduct, api.showProduct)
    on(.listLocations, api.listLocations)
    on(.addLocation, api.addLocation)
    on(.findUnits, api.findUnits)
    on(.lookupUnit, api.lookupUnit)
    on(.showUnit, api.showUnit)
    on(.receive, api.receive)
    on(.move) { try await api.act(.move, $0, $1) }
    on(.ship) { try await api.act(.ship, $0, $1) }
    on(.arrive) { try await api.act(.arrive, $0, $1) }
    on(.sell) { try await api.act(.sell, $0, $1) }
    on(.returnUnits) { try await api.act(.return, $0, $1) }
    on(.quarantine) { try await api.act(.quarantine, $0, $1) }
    on(.release) { try await api.act(.release, $0, $1) }
    on(.scrap) { try await api.act(.scrap, $0, $1) }
    on(.correct, api.correct)
    on(.captureEvents, api.capture)
    on(.listEvents, api.listEvents)
    on(.stock, api.stock)
    on(.verify, api.verify)
    on(.importLedger, api.importLedger)
    on(.parseIdentifier, api.parseIdentifier)
    on(.listKeys, api.listKeys)
    on(.createKey, api.createKey)
    on(.revokeKey, api.revokeKey)
    on(.listWebhooks, api.listWebhooks)
    on(.addWebhook, api.addWebhook)
    on(.removeWebhook, api.removeWebhook)
    on(.webhookDeliveries, api.webhookDeliveries)

    let webhooks = WebhookService(
        dispatcher: WebhookDispatcher(inventory: inventory, send: send), interval: configuration.webhookPollInterval,
        metrics: metrics, logger: logger)
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ParserErrorHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "unitrace"),
        services: [webhooks],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Sets `X-Request-ID` on every response, from the id Hummingbird logs the request under.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Request-ID")!] = context.id
        return response
    }
}

/// Counts requests by method and status and records their latency.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.request(method: request.method.rawValue, status: Int(response.status.code), seconds: seconds)
        return response
    }
}

/// Reads `Authorization: Bearer …`. A missing key leaves the request anonymous; a wrong or revoked one is 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let inventory: Inventory
    let bodyLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.bodyLimit = bodyLimit
        if let header = request.headers[.authorization] {
            // The scheme is case-insensitive (RFC 9110 §11.1); one or more spaces follow it.
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let key = try await inventory.authenticate(token: parts[1].trimmingCharacters(in: .whitespaces))
            else {
                throw Problem(status: 401, code: "unauthorized", title: "the API key is not valid or has been revoked")
            }
            context.apiKey = key
        }
        return try await next(request, context)
    }
}

/// Delivers the webhook outbox in the background until the server shuts down.
struct WebhookService: Service {
    let dispatcher: WebhookDispatcher
    let interval: Duration
    let metrics: ServerMetrics
    let logger: Logger

    func run() async throws {
        var headsSent: [String: Int64] = [:]
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                headsSent = try await dispatcher.publishHeads(lastSent: headsSent)
                let attempts = try await dispatcher.deliverDue()
                metrics.webhookAttempts.increment(by: Int64(attempts))
                metrics.webhookBacklog.set(Double(try await dispatcher.inventory.store.outboxBacklog()))
            } catch {
                logger.warning("webhook delivery pass failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
