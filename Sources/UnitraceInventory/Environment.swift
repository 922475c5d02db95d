import Foundation
import UnitraceCore

/// The only nondeterminism the use cases see: the clock and new identifiers.
public struct Environment: Sendable {
    public var now: @Sendable () -> Timestamp
    public var newID: @Sendable () -> UUID
    /// Random numbers, for serials that must not be guessable.
    public var random: @Sendable () -> UInt64

    public init(
        now: @escaping @Sendable () -> Timestamp, newID: @escaping @Sendable () -> UUID,
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) {
        self.now = now
        self.newID = newID
        self.random = random
    }

    /// The machine's clock in its own time zone, random UUIDs, and the system's random numbers.
    public static let live = Environment(now: { Timestamp.now() }, newID: { UUID() })
}
