import Foundation

/// How `unitrace serve` listens and paces itself.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted; larger ones get 413.
    public var maxBodySize: Int
    /// Most units one request may name; more get 413.
    public var maxBatchUnits: Int
    /// How often the webhook outbox is checked.
    public var webhookPollInterval: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodySize: Int = 16 << 20, maxBatchUnits: Int = 100_000,
        webhookPollInterval: Duration = .milliseconds(500)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxBatchUnits = maxBatchUnits
        self.webhookPollInterval = webhookPollInterval
    }

    /// Defaults overridden by `UNITRACE_HOST` and `UNITRACE_PORT`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        var configuration = ServerConfiguration()
        if let host = environment["UNITRACE_HOST"], !host.isEmpty { configuration.host = host }
        if let port = environment["UNITRACE_PORT"].flatMap(Int.init) { configuration.port = port }
        return configuration
    }
}
