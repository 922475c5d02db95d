import Foundation
import UnitraceCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the server may send webhooks. By default only to the public internet: a URL whose host is, or
/// resolves to, a loopback, private, link-local, unique-local or otherwise reserved address is refused, when
/// it is subscribed (address literals in any spelling, and `localhost`) and again before every delivery
/// (every address the name resolves to at that moment; the connection then goes to the address checked).
public struct WebhookEgress: Hashable, Sendable {
    /// Allow receivers on private networks (an ERP on the same site); the server's `--webhook-allow-private`.
    public var allowPrivate: Bool

    public init(allowPrivate: Bool = false) {
        self.allowPrivate = allowPrivate
    }

    /// Checks a URL as it is subscribed: scheme, host, and the host when it is an address or a local name.
    public func check(url text: String) throws(InputError) -> URLComponents {
        let shown = Limits.quote(text)
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty
        else {
            throw InputError(
                code: .invalidField, message: "webhook url '\(Limits.quote(shown))' must be an http:// or https:// URL")
        }
        guard url.user == nil, url.password == nil else {
            throw InputError(
                code: .invalidField, message: "webhook url '\(Limits.quote(shown))' must not carry a user or password")
        }
        if !allowPrivate {
            if let address = IPAddress(literal: host), let range = address.restrictedRange {
                throw refusal(host: host, address: address, range: range)
            }
            let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            if name == "localhost" || name.hasSuffix(".localhost") {
                throw InputError(
                    code: .webhookAddressRefused,
                    message:
                        "webhook host '\(Limits.quote(host))' is this machine; receivers on private networks need the server setting --webhook-allow-private"
                )
            }
        }
        return url
    }

    /// The address to deliver to: the host's addresses now, each checked. Returns the first allowed one.
    public func address(for host: String, resolve: Resolver) async throws(InputError) -> IPAddress {
        let addresses: [IPAddress]
        if let literal = IPAddress(literal: host) {
            addresses = [literal]
        } else {
            addresses = await resolve(host)
        }
        guard let first = addresses.first else {
            throw InputError(
                code: .webhookAddressRefused, message: "webhook host '\(Limits.quote(host))' does not resolve")
        }
        if !allowPrivate {
            for address in addresses {
                if let range = address.restrictedRange { throw refusal(host: host, address: address, range: range) }
            }
        }
        return first
    }

    private func refusal(host: String, address: IPAddress, range: String) -> InputError {
        InputError(
            code: .webhookAddressRefused,
            message:
                "webhook host '\(Limits.quote(host))' is \(address), a \(range) address; receivers on private networks need the server setting --webhook-allow-private"
        )
    }

    /// Resolves a host name to its addresses (empty when it does not resolve).
    public typealias Resolver = @Sendable (String) async -> [IPAddress]

    /// The system resolver (`getaddrinfo`), run off the cooperative threads.
    public static let systemResolver: Resolver = { host in
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolveNow(host)) }
        }
    }

    private static func resolveNow(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var result: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(entry.pointee.ai_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        result.append(.v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        var bytes = [UInt8](repeating: 0, count: 16)
                        withUnsafeBytes(of: $0.pointee.sin6_addr) { raw in
                            for index in 0..<16 { bytes[index] = raw[index] }
                        }
                        result.append(.v6(bytes))
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return result
    }
}
