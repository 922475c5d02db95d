import Foundation
import UnitraceCore

/// The only nondeterminism the use cases see: the clock and new identifiers.
public struct Environment: Sendable {
    public var now: @Sendable () -> Timestamp
    public var newID: @Sendable () -> UUID

    public init(now: @escaping @Sendable () -> Timestamp, newID: @escaping @Sendable () -> UUID) {
        self.now = now
        self.newID = newID
    }

    /// The machine's clock in its own time zone, and random UUIDs.
    public static let live = Environment(now: { Timestamp.now() }, newID: { UUID() })
}
