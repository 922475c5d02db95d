import Prometheus

/// The server's metrics, in one Prometheus registry served at `/metrics`.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let eventsCaptured: Counter
    let unitsCaptured: Counter
    let webhookBacklog: Gauge
    let webhookAttempts: Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        eventsCaptured = registry.makeCounter(
            name: "unitrace_events_captured_total", help: "Events recorded through the API.")
        unitsCaptured = registry.makeCounter(
            name: "unitrace_unit_lines_captured_total", help: "Unit lines of those events.")
        webhookBacklog = registry.makeGauge(name: "unitrace_webhook_backlog", help: "Deliveries waiting in the outbox.")
        webhookAttempts = registry.makeCounter(
            name: "unitrace_webhook_attempts_total", help: "Webhook delivery attempts.")
    }

    func request(method: String, status: Int, seconds: Double) {
        registry.makeCounter(
            name: "unitrace_http_requests_total", labels: [("method", method), ("status", String(status))],
            help: "HTTP requests by method and status."
        ).increment()
        registry.makeValueHistogram(
            name: "unitrace_http_request_duration_seconds", labels: [("method", method)],
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
            help: "HTTP request latency."
        ).record(seconds)
    }
}
