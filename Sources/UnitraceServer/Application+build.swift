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

    let routes = Routes(router: router)
    let controllers: [any Controller] = [
        OperationsController(api: api), CatalogueController(api: api), UnitsController(api: api),
        StockController(api: api), HoldsController(api: api), CountsController(api: api),
        NoticesController(api: api), TransfersController(api: api),
        ContainersController(api: api),
        AssemblyController(api: api),
        QualityController(api: api),
        RunsController(api: api),
        RecallsController(api: api),
        LedgerController(api: api), IdentifiersController(api: api), AccessController(api: api),
        EPCISController(api: api),
    ]
    for controller in controllers { controller.addRoutes(to: routes) }

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
                metrics.webhookBacklog.set(Double(try await dispatcher.inventory.outboxBacklog()))
            } catch {
                logger.warning("webhook delivery pass failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
