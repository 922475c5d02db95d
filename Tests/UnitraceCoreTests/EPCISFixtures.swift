import Foundation

@testable import UnitraceCore

/// GS1's EPCIS test material, copied into the repository.
let gs1Fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/gs1")

/// The events of a document, in document order.
func epcisEvents(of bytes: [UInt8]) async throws -> [EPCISEvent] {
    var events: [EPCISEvent] = []
    try await EPCISDocument.read(open: { EPCISDocument.chunks(bytes) }) { events.append($0.event) }
    return events
}
