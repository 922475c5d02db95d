import Foundation
import UnitraceCore

/// The only nondeterminism the use cases see: the clock, new identifiers, random numbers and name resolution.
public struct Environment: Sendable {
    public var now: @Sendable () -> Timestamp
    public var newID: @Sendable () -> UUID
    /// Random numbers, for serials that must not be guessable.
    public var random: @Sendable () -> UInt64
    /// The addresses a host name has now (webhook deliveries check each one before connecting).
    public var resolve: WebhookEgress.Resolver

    public init(
        now: @escaping @Sendable () -> Timestamp, newID: @escaping @Sendable () -> UUID,
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) },
        resolve: @escaping WebhookEgress.Resolver = WebhookEgress.systemResolver
    ) {
        self.now = now
        self.newID = newID
        self.random = random
        self.resolve = resolve
    }

    /// The machine's clock in its own time zone, random UUIDs, and the system's random numbers.
    public static let live = Environment(now: { Timestamp.now() }, newID: { UUID() })
}
