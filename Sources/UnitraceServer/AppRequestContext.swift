import Hummingbird
import UnitraceCore

/// The request context: Hummingbird's core storage plus the API key the request came with.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated key, once the auth middleware has run.
    public var apiKey: APIKey?
    var bodyLimit: Int

    public init(source: Source) {
        coreContext = .init(source: source)
        bodyLimit = 16 << 20
    }

    public var maxUploadSize: Int { bodyLimit }
}
