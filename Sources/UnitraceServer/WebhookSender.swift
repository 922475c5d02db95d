import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import UnitraceCore
import UnitraceInventory

/// Posts webhook bodies: to the address the dispatcher checked (the URL's host is still sent for TLS and
/// `Host`), never following a redirect, 10 seconds at most each. The receiver's body is never read.
public enum WebhookSender {
    public static let send: WebhookDispatcher.Send = { request in
        guard let url = request.url.string, let host = request.url.host else { return (nil, "invalid url") }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        if IPAddress(literal: host) == nil { configuration.dnsOverride = [host: request.address.description] }
        // A receiver that refuses the connection fails this attempt at once; the outbox retries it later.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let result: (Int?, String?)
        do {
            let response = try await client.execute(outgoing, timeout: .seconds(10))
            result = (Int(response.status.code), nil)
        } catch {
            result = (nil, "could not deliver: \(String(describing: error).prefix(120))")
        }
        try? await client.shutdown()
        return result
    }
}
